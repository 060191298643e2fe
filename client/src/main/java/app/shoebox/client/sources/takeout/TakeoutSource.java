package app.shoebox.client.sources.takeout;

import app.shoebox.client.api.ServerInfo;
import app.shoebox.client.sources.AssetGroup;
import app.shoebox.client.sources.Grouper;
import app.shoebox.client.sources.Metadata;
import app.shoebox.client.sources.Source;
import app.shoebox.client.sources.SourceAsset;
import app.shoebox.client.state.HashCache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Google Photos Takeout: any number of {@code .zip} and {@code .tgz} parts and unpacked folders,
 * read in two passes and never unpacked to disk.
 *
 * <ol>
 * <li>Scan every part: parse the JSON files (sidecars and album metadata, wherever they are: a
 *     photo's sidecar or its album's title is often in another part than the photo), list the
 *     media files, and report everything else. Members of a tar are hashed as they go by, since
 *     reading one again means reading the archive again.</li>
 * <li>Per folder: match each file with its sidecar ({@link SidecarMatcher}), leave out what was in
 *     Google Photos' trash, pair live photos, put files of album folders in their album, and hand
 *     the groups over. A file with no sidecar is uploaded with its own metadata and reported.</li>
 * </ol>
 * Folders are keyed by name only: Takeout lays out one level of folders ({@code Photos from 2019},
 * album names) under {@code Takeout/Google Photos}, the same in every part.
 */
public final class TakeoutSource implements Source {

    public record Options(Grouper.Options grouping) {
        public static Options defaults() {
            return new Options(Grouper.Options.NONE);
        }
    }

    /** Product folders of Google Photos in a full Takeout, in the languages it is exported in. */
    private static final Pattern PHOTOS_PRODUCT = Pattern.compile("(?iu).*(photo|foto|фото|フォト|相册|相簿|相片|사진|φωτογραφ).*");
    private static final int MAX_JSON_BYTES = 4 << 20;

    private record Sidecar(String path, GoogleJson.Photo photo, boolean[] used) {
    }

    /**
     * A media file found by the scan. Every file of the Takeout is held from the scan until all
     * folders are handed over, so what can be derived (its path, its name) is, not stored.
     */
    private record Media(TakeoutPart part, TakeoutPart.Entry entry, ServerInfo.AssetType type) {
        String path() {
            return part.label() + "!" + entry.name();
        }

        String fileName() {
            String name = entry.name().replace('\\', '/');
            return name.substring(name.lastIndexOf('/') + 1);
        }
    }

    /** What the scan learnt about one folder, from every part. */
    private static final class Folder {
        final String name;
        final SidecarMatcher.Folder<Sidecar> sidecars = new SidecarMatcher.Folder<>();
        final List<Sidecar> allSidecars = new ArrayList<>();
        final List<Media> media = new ArrayList<>();
        GoogleJson.Album album;

        Folder(String name) {
            this.name = name;
        }
    }

    private final List<Path> inputs;
    private final ServerInfo.MediaTypes types;
    private final HashCache hashes;
    private final Options options;
    private final List<TakeoutPart> parts = new ArrayList<>();

    public TakeoutSource(List<Path> inputs, ServerInfo.MediaTypes types, HashCache hashes, Options options) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("name at least one Takeout part (.zip, .tgz) or unpacked folder");
        }
        this.inputs = List.copyOf(inputs);
        this.types = types;
        this.hashes = hashes;
        this.options = options;
    }

    @Override
    public String describe() {
        return inputs.size() == 1 ? inputs.getFirst().toString() : "a Takeout in " + inputs.size() + " parts";
    }

    @Override
    public void browse(Sink sink) throws IOException, InterruptedException {
        for (Path p : inputs) {
            parts.add(TakeoutPart.open(p));
        }
        Map<String, Folder> folders = new LinkedHashMap<>();
        for (TakeoutPart part : parts) {
            if (sink.stopping()) {
                return;
            }
            part.caveat().ifPresent(c -> sink.note(part.label(), c));
            part.scan(e -> scanEntry(part, e, folders, sink));
        }
        for (Folder f : folders.values()) {
            if (sink.stopping()) {
                return;
            }
            emit(f, sink);
        }
        for (Folder f : folders.values()) {
            for (Sidecar s : f.allSidecars) {
                if (!s.used()[0]) {
                    sink.note(s.path(), "JSON sidecar with no matching photo or video in any part (was its file in another "
                            + "part that was not given?)");
                }
            }
        }
    }

    private void scanEntry(TakeoutPart part, TakeoutPart.Entry e, Map<String, Folder> folders, Sink sink) throws IOException {
        String path = part.label() + "!" + e.name();
        if (TakeoutPart.unsafe(e.name())) {
            sink.failed(path, "refused: the archive names a file " + (e.name().indexOf('\0') >= 0 ? "with a NUL character in its name"
                    : "outside itself (" + e.name() + ")") + "; a Takeout never does this, so the archive may be tampered with");
            return;
        }
        String[] segments = e.name().replace('\\', '/').split("/");
        String fileName = segments[segments.length - 1];
        int takeout = -1;
        for (int i = 0; i < segments.length - 1; i++) {
            if (segments[i].equalsIgnoreCase("Takeout")) {
                takeout = i;
                break;
            }
        }
        if (takeout >= 0 && takeout + 1 < segments.length - 1 && !PHOTOS_PRODUCT.matcher(segments[takeout + 1]).matches()) {
            sink.skipped(path, Math.max(0, e.size()), "not part of Google Photos (Takeout/" + segments[takeout + 1] + ")");
            return;
        }
        if (e.notAFile().isPresent()) {
            sink.skipped(path, 0, e.notAFile().get());
            return;
        }
        String folderName = segments.length >= 2 ? segments[segments.length - 2] : "";
        if (takeout >= 0 && segments.length - 2 == takeout + 1) {
            folderName = "";
        }
        Folder folder = folders.computeIfAbsent(folderName, Folder::new);
        if (fileName.toLowerCase(Locale.ROOT).endsWith(".json")) {
            readJson(e, path, fileName, folder, sink);
            return;
        }
        Optional<ServerInfo.AssetType> type = types.typeOf(fileName);
        if (type.isEmpty()) {
            String ext = ServerInfo.MediaTypes.extension(fileName);
            sink.skipped(path, e.size(), ext.isEmpty() ? "no file extension: not a photo or video the server accepts"
                    : "not a photo or video the server accepts (" + ext + ")");
            return;
        }
        if (e.size() == 0) {
            sink.skipped(path, 0, "empty file (0 bytes)");
            return;
        }
        if (part.lane().isPresent() && hashes.get(part.key(e)).isEmpty()) {
            // A tar member is hashed now, while it goes by: reading it again means reading the archive again.
            hashes.put(part.key(e), sha1(e));
        }
        folder.media.add(new Media(part, e.kept(), type.get()));
    }

    private void readJson(TakeoutPart.Entry e, String path, String fileName, Folder folder, Sink sink) {
        if (e.size() > MAX_JSON_BYTES) {
            sink.note(path, "JSON file of " + e.size() + " bytes: too large to be a sidecar, not read");
            return;
        }
        GoogleJson json;
        try (InputStream in = e.read().open()) {
            json = GoogleJson.parse(in.readNBytes(MAX_JSON_BYTES + 1));
        } catch (IOException | RuntimeException x) {
            // Jackson's own message, without the location it appends on lines of their own
            String why = x instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : x.getMessage();
            sink.note(path, "not a JSON file Google Photos writes (" + why + "): not used");
            return;
        }
        switch (json) {
            case GoogleJson.Photo p -> {
                Sidecar s = new Sidecar(path, p, new boolean[1]);
                folder.sidecars.add(fileName, p.title(), s);
                folder.allSidecars.add(s);
            }
            case GoogleJson.Album a -> folder.album = a;
            case GoogleJson.Other o -> {
                // print orders, comments, memories: not about one file
            }
        }
    }

    private static byte[] sha1(TakeoutPart.Entry e) throws IOException {
        try (InputStream in = e.read().open()) {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException x) {
            throw new IllegalStateException(x);
        }
    }

    /** Matches, groups and hands over one folder's files. */
    private void emit(Folder f, Sink sink) throws InterruptedException {
        Optional<String> album = f.album == null ? Optional.empty()
                : Optional.of(f.album.title().isBlank() ? f.name : f.album.title());
        Set<String> names = new HashSet<>();
        f.media.forEach(m -> names.add(m.fileName()));
        Map<String, Optional<GoogleJson.Photo>> stills = new LinkedHashMap<>();
        List<SourceAsset> assets = new ArrayList<>();
        Map<Media, Optional<SidecarMatcher.Match<Sidecar>>> matches = new LinkedHashMap<>();
        for (Media m : f.media) {
            Optional<SidecarMatcher.Match<Sidecar>> match = SidecarMatcher.match(f.sidecars, m.fileName(), names);
            match.ifPresent(x -> x.sidecar().used()[0] = true);
            matches.put(m, match);
            if (m.type() == ServerInfo.AssetType.IMAGE && match.isPresent()) {
                stills.putIfAbsent(Grouper.stem(m.fileName()), Optional.of(match.get().sidecar().photo()));
            }
        }
        for (Map.Entry<Media, Optional<SidecarMatcher.Match<Sidecar>>> x : matches.entrySet()) {
            Media m = x.getKey();
            Optional<GoogleJson.Photo> photo = x.getValue().map(s -> s.sidecar().photo());
            boolean inherited = false;
            if (photo.isEmpty() && m.type() == ServerInfo.AssetType.VIDEO) {
                // A live photo's motion part often has no sidecar of its own: it shares the still's.
                photo = stills.getOrDefault(Grouper.stem(m.fileName()), Optional.empty());
                inherited = photo.isPresent();
            }
            if (photo.isPresent() && photo.get().trashed()) {
                sink.skipped(m.path(), m.entry().size(), "in Google Photos' trash");
                continue;
            }
            List<String> notes = photo.isEmpty() ? List.of("no JSON sidecar matched: uploaded with the file's own date and "
                    + "without Google's metadata") : photo.get().ignored();
            assets.add(new SourceAsset(m.path(), m.fileName(), m.type(), m.entry().size(), m.entry().modified(),
                    m.part().key(m.entry()), m.part().content(m.entry()), Optional.empty(),
                    photo.map(GoogleJson.Photo::metadata).orElse(Metadata.NONE), album.map(Set::of).orElse(Set.of()), notes,
                    m.part().lane()));
        }
        for (AssetGroup g : Grouper.group(assets, options.grouping())) {
            sink.group(g);
        }
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (TakeoutPart p : parts) {
            try {
                p.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
