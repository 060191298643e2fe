package app.shoebox.client.sources.folder;

import app.shoebox.client.api.ServerInfo;
import app.shoebox.client.api.SourceReadException;
import app.shoebox.client.sources.AssetGroup;
import app.shoebox.client.sources.Grouper;
import app.shoebox.client.sources.ItemKey;
import app.shoebox.client.sources.Metadata;
import app.shoebox.client.sources.Source;
import app.shoebox.client.sources.SourceAsset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Files under one or more folders, walked folder by folder (so that live photos, RAW+JPEG pairs,
 * bursts and XMP sidecars are found beside their files), in name order.
 *
 * <p>Hidden files and folders (a name starting with a dot) are left out unless asked for. A
 * symbolic link is followed when it stays inside the folder being uploaded, and left out (and
 * reported) when it leads outside it, unless {@code followSymlinks}; loops are walked once.
 */
public final class FolderSource implements Source {

    /**
     * @param include   globs a file must match (any), when given: {@code *.jpg} matches names, {@code 2024/**} paths
     * @param exclude   globs that leave a file or folder out
     * @param albumFromFolder put each file in an album named after its folder
     * @param album     put every file in this album
     * @param readXmp   read XMP sidecars' dates, GPS and descriptions (for {@code --sync-metadata} only;
     *                  the server reads the sidecar it is sent)
     */
    public record Options(List<String> include, List<String> exclude, boolean includeHidden, boolean albumFromFolder,
                          Optional<String> album, Grouper.Options grouping, boolean followSymlinks, boolean readXmp) {
        public static Options defaults() {
            return new Options(List.of(), List.of(), false, false, Optional.empty(), Grouper.Options.NONE, false, false);
        }
    }

    /** A file of the folder being walked, with the attributes read once (reading them costs a system call each). */
    private record FoundFile(Path path, BasicFileAttributes attrs, boolean viaLink) {
    }

    private record Glob(String pattern, PathMatcher matcher, boolean onPath) {
        static Glob of(String pattern) {
            String p = pattern.strip();
            return new Glob(p, FileSystems.getDefault().getPathMatcher("glob:" + p), p.contains("/"));
        }

        boolean matches(String name, String relative) {
            return matcher.matches(Path.of(onPath ? relative : name));
        }
    }

    private final List<Path> roots;
    private final ServerInfo.MediaTypes types;
    private final Options options;
    private final List<Glob> include;
    private final List<Glob> exclude;

    public FolderSource(List<Path> roots, ServerInfo.MediaTypes types, Options options) {
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("name at least one folder to upload");
        }
        this.roots = List.copyOf(roots);
        this.types = types;
        this.options = options;
        this.include = options.include().stream().map(Glob::of).toList();
        this.exclude = options.exclude().stream().map(Glob::of).toList();
    }

    @Override
    public String describe() {
        return roots.size() == 1 ? roots.getFirst().toString() : roots.size() + " folders";
    }

    @Override
    public void browse(Sink sink) throws IOException, InterruptedException {
        for (Path root : roots) {
            if (sink.stopping()) {
                return;
            }
            if (!Files.exists(root)) {
                throw new IOException(root + " does not exist");
            }
            if (Files.isRegularFile(root)) {
                Path file = root.toAbsolutePath();
                walkFolder(file.getParent(), file.getParent().toRealPath(),
                        List.of(new FoundFile(file, Files.readAttributes(file, BasicFileAttributes.class), true)), sink);
            } else {
                walk(root, sink);
            }
        }
    }

    private void walk(Path root, Sink sink) throws IOException, InterruptedException {
        Path rootReal = root.toRealPath();
        Set<Path> visited = new HashSet<>();
        visited.add(rootReal);
        Deque<Path> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty() && !sink.stopping()) {
            Path dir = stack.pop();
            List<Path> entries = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                ds.forEach(entries::add);
            } catch (IOException e) {
                sink.failed(dir.toString(), "folder not read, none of its files uploaded: " + message(e));
                continue;
            }
            entries.sort(null);
            List<FoundFile> files = new ArrayList<>();
            List<Path> subdirs = new ArrayList<>();
            for (Path e : entries) {
                classify(root, rootReal, e, files, subdirs, visited, sink);
            }
            Path dirReal;
            try {
                dirReal = dir.toRealPath();
            } catch (IOException e) {
                sink.failed(dir.toString(), "folder not read, none of its files uploaded: " + message(e));
                continue;
            }
            walkFolder(root, dirReal, files, sink);
            for (int i = subdirs.size() - 1; i >= 0; i--) {
                stack.push(subdirs.get(i));
            }
        }
    }

    private void classify(Path root, Path rootReal, Path e, List<FoundFile> files, List<Path> subdirs, Set<Path> visited, Sink sink) {
        String name = e.getFileName().toString();
        String rel = exclude.isEmpty() ? name : relative(root, e);
        BasicFileAttributes attrs;
        boolean link;
        try {
            attrs = Files.readAttributes(e, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            link = attrs.isSymbolicLink();
            if (link) {
                Path target;
                try {
                    target = e.toRealPath();
                } catch (IOException broken) {
                    sink.skipped(e.toString(), 0, "broken symbolic link");
                    return;
                }
                boolean inside = target.startsWith(rootReal);
                attrs = Files.readAttributes(e, BasicFileAttributes.class);
                if (!inside && !options.followSymlinks()) {
                    if (attrs.isDirectory()) {
                        sink.note(e.toString(), "symbolic link to a folder outside " + root + " not followed (use --follow-symlinks)");
                    } else {
                        sink.skipped(e.toString(), attrs.size(), "symbolic link to a file outside " + root
                                + " (use --follow-symlinks to upload it)");
                    }
                    return;
                }
            }
        } catch (IOException ex) {
            sink.failed(e.toString(), "cannot read: " + message(ex));
            return;
        }
        if (attrs.isDirectory()) {
            if (!options.includeHidden() && name.startsWith(".")) {
                sink.note(e.toString(), "hidden folder left out (use --include-hidden)");
            } else if (excludedBy(name, rel).isPresent()) {
                sink.note(e.toString(), "folder left out by --exclude " + excludedBy(name, rel).get());
            } else {
                try {
                    if (visited.add(e.toRealPath())) {
                        subdirs.add(e);
                    }
                } catch (IOException ex) {
                    sink.failed(e.toString(), "folder not read, none of its files uploaded: " + message(ex));
                }
            }
        } else if (attrs.isRegularFile()) {
            files.add(new FoundFile(e, attrs, link));
        } else {
            sink.note(e.toString(), "not a regular file (device, socket or pipe): left out");
        }
    }

    /** Groups and hands over the files of one folder ({@code dirReal}: the folder's real path). */
    private void walkFolder(Path root, Path dirReal, List<FoundFile> files, Sink sink) throws InterruptedException {
        Map<String, Path> xmps = new HashMap<>();
        List<FoundFile> media = new ArrayList<>();
        for (FoundFile found : files) {
            Path f = found.path();
            String name = f.getFileName().toString();
            String rel = include.isEmpty() && exclude.isEmpty() ? name : relative(root, f);
            long size = found.attrs().size();
            if (!options.includeHidden() && name.startsWith(".")) {
                sink.skipped(f.toString(), size, "hidden file (use --include-hidden)");
            } else if (excludedBy(name, rel).isPresent()) {
                sink.skipped(f.toString(), size, "left out by --exclude " + excludedBy(name, rel).get());
            } else if (!include.isEmpty() && include.stream().noneMatch(g -> g.matches(name, rel))) {
                sink.skipped(f.toString(), size, "not matched by --include");
            } else if (types.isSidecar(name)) {
                xmps.put(name.toLowerCase(Locale.ROOT), f);
            } else if (types.typeOf(name).isEmpty()) {
                String ext = ServerInfo.MediaTypes.extension(name);
                sink.skipped(f.toString(), size, ext.isEmpty() ? "no file extension: not a photo or video the server accepts"
                        : "not a photo or video the server accepts (" + ext + ")");
            } else if (size == 0) {
                sink.skipped(f.toString(), 0, "empty file (0 bytes)");
            } else {
                media.add(found);
            }
        }
        Set<Path> usedXmps = new LinkedHashSet<>();
        List<SourceAsset> assets = new ArrayList<>();
        for (FoundFile f : media) {
            try {
                Optional<Path> xmp = sidecarOf(f.path().getFileName().toString(), xmps);
                xmp.ifPresent(usedXmps::add);
                assets.add(asset(f, dirReal, xmp));
            } catch (IOException e) {
                sink.failed(f.path().toString(), "cannot read: " + message(e));
            }
        }
        for (Path x : xmps.values()) {
            if (!usedXmps.contains(x)) {
                sink.skipped(x.toString(), size(x), "sidecar with no photo or video of the same name");
            }
        }
        for (AssetGroup g : Grouper.group(assets, options.grouping())) {
            sink.group(g);
        }
    }

    private SourceAsset asset(FoundFile found, Path dirReal, Optional<Path> xmp) throws IOException {
        Path f = found.path();
        BasicFileAttributes a = found.attrs();
        String name = f.getFileName().toString();
        // A file reached through a link is keyed by where it really is; any other by its folder's real path.
        Path real = found.viaLink() ? f.toRealPath() : dirReal.resolve(name);
        ItemKey key = ItemKey.of("file:" + real, a.size() + "/" + a.lastModifiedTime().to(TimeUnit.NANOSECONDS));
        Optional<SourceAsset.SidecarFile> side = Optional.empty();
        Metadata metadata = Metadata.NONE;
        if (xmp.isPresent()) {
            Path x = xmp.get();
            side = Optional.of(new SourceAsset.SidecarFile(x.getFileName().toString(), Files.size(x), x.toString(),
                    () -> Files.newInputStream(x)));
            if (options.readXmp()) {
                metadata = XmpReader.read(Files.readString(x, StandardCharsets.UTF_8));
            }
        }
        Set<String> albums = new LinkedHashSet<>();
        options.album().ifPresent(albums::add);
        if (options.albumFromFolder()) {
            Path parent = f.toAbsolutePath().getParent();
            if (parent != null && parent.getFileName() != null) {
                albums.add(parent.getFileName().toString());
            }
        }
        return new SourceAsset(f.toString(), name, types.typeOf(name).orElseThrow(), a.size(), a.lastModifiedTime().toInstant(),
                key, () -> Files.newInputStream(f), side, metadata, albums, List.of(), Optional.empty());
    }

    /** {@code IMG_1.jpg.xmp} (darktable, digiKam) or {@code IMG_1.xmp} (Lightroom). */
    private static Optional<Path> sidecarOf(String name, Map<String, Path> xmps) {
        if (xmps.isEmpty()) {
            return Optional.empty();
        }
        String lower = name.toLowerCase(Locale.ROOT);
        Path full = xmps.get(lower + ".xmp");
        if (full != null) {
            return Optional.of(full);
        }
        int dot = lower.lastIndexOf('.');
        return dot > 0 ? Optional.ofNullable(xmps.get(lower.substring(0, dot) + ".xmp")) : Optional.empty();
    }

    private Optional<String> excludedBy(String name, String rel) {
        return exclude.stream().filter(g -> g.matches(name, rel)).map(Glob::pattern).findFirst();
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }

    private static String message(IOException e) {
        return SourceReadException.reason(e);
    }
}
