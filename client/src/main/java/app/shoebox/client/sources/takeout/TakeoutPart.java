package app.shoebox.client.sources.takeout;

import app.shoebox.client.sources.Content;
import app.shoebox.client.sources.ItemKey;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * One part of a Takeout: a {@code .zip}, a {@code .tgz} (or {@code .tar.gz}, {@code .tar}), or a
 * folder where a part was unpacked. Entries are read where they are, never copied to disk.
 */
sealed interface TakeoutPart extends AutoCloseable permits TakeoutPart.Zip, TakeoutPart.Tar, TakeoutPart.Folder {

    /** One entry as the scan sees it; {@code read} is valid only during the scan's callback. */
    record Entry(String name, long size, Instant modified, int ordinal, long crc, Reader read, Optional<String> notAFile) {
        Entry(String name, long size, Instant modified, int ordinal, long crc, Reader read) {
            this(name, size, modified, ordinal, crc, read, Optional.empty());
        }

        /** A link, a pipe or a device: listed so that it is reported, never read. */
        static Entry notAFile(String name, int ordinal, String what) {
            return new Entry(name, -1, Instant.EPOCH, ordinal, 0, () -> {
                throw new IOException(what);
            }, Optional.of(what));
        }

        /** The entry as kept after the scan: the reader (and the archive's entry object it holds) let go. */
        Entry kept() {
            return new Entry(name, size, modified, ordinal, crc, null, notAFile);
        }
    }

    @FunctionalInterface
    interface Reader {
        InputStream open() throws IOException;
    }

    @FunctionalInterface
    interface Visitor {
        void entry(Entry e) throws IOException;
    }

    /** How the user knows this part: its file name. */
    String label();

    /** What the user should know about the part as a whole. */
    default Optional<String> caveat() {
        return Optional.empty();
    }

    /** Calls {@code visitor} for every file entry (not folders), in the order of the archive. */
    void scan(Visitor visitor) throws IOException;

    /** An entry's bytes, for hashing and uploading after the scan. */
    Content content(Entry e);

    ItemKey key(Entry e);

    /** Entries that can only be read in order share a lane (see {@code SourceAsset.lane}). */
    Optional<String> lane();

    @Override
    void close() throws IOException;

    /** {@code ../x.jpg}, {@code /etc/x.jpg}, {@code C:\x.jpg}: never from a Takeout, refused. */
    static boolean unsafe(String name) {
        String n = name.replace('\\', '/');
        if (n.startsWith("/") || n.matches("^[A-Za-z]:.*") || n.indexOf('\0') >= 0) {
            return true;
        }
        for (String segment : n.split("/")) {
            if (segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    static TakeoutPart open(Path path) throws IOException {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isDirectory(path)) {
            return new Folder(path);
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException(path + " does not exist");
        }
        if (name.endsWith(".zip")) {
            try {
                try {
                    return new Zip(path, new ZipFile(path.toFile()), false);
                } catch (ZipException notUtf8) {
                    // Names without the UTF-8 flag that are not UTF-8 either (an old zip tool, CP437 or
                    // Shift-JIS): every byte is a CP437 character, so the archive can be read whole.
                    try {
                        return new Zip(path, new ZipFile(path.toFile(), ZipFile.OPEN_READ, Charset.forName("IBM437")), true);
                    } catch (IOException stillNot) {
                        throw notUtf8;
                    }
                }
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains("bad entry name")) {
                    throw new IOException(path + " names its files in bytes that are not UTF-8 though it says they are ("
                            + e.getMessage() + "); unpack it with a zip tool and upload the folder", e);
                }
                throw new IOException(path + " is not a readable zip file (" + e.getMessage()
                        + "); download this Takeout part again", e);
            }
        }
        if (name.endsWith(".tgz") || name.endsWith(".tar.gz") || name.endsWith(".tar")) {
            return new Tar(path, !name.endsWith(".tar"));
        }
        throw new IOException(path + " is not a Takeout part: give .zip or .tgz files, or folders where they were unpacked");
    }

    static String stamp(Path p) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        return a.size() + "/" + a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
    }

    /** A zip part: read through its central directory, members opened at random. */
    final class Zip implements TakeoutPart {
        private final Path path;
        private final ZipFile zip;
        private final boolean legacyNames;
        private final String identity;
        private final String stamp;

        Zip(Path path, ZipFile zip, boolean legacyNames) throws IOException {
            this.path = path;
            this.zip = zip;
            this.legacyNames = legacyNames;
            this.identity = "zip:" + path.toRealPath();
            this.stamp = stamp(path);
        }

        @Override
        public String label() {
            return path.getFileName().toString();
        }

        @Override
        public Optional<String> caveat() {
            return legacyNames ? Optional.of("the archive's file names are not UTF-8 (it was made by an older zip tool): read "
                    + "as CP437, so names in other alphabets may look garbled on the server") : Optional.empty();
        }

        @Override
        public void scan(Visitor visitor) throws IOException {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            int ordinal = 0;
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                ordinal++;
                if (e.isDirectory()) {
                    continue;
                }
                Instant modified = e.getLastModifiedTime() == null ? Instant.EPOCH : e.getLastModifiedTime().toInstant();
                visitor.entry(new Entry(e.getName(), e.getSize(), modified, ordinal, e.getCrc(),
                        () -> new CheckedMember(zip.getInputStream(e), label() + "!" + e.getName(), e.getSize(), e.getCrc())));
            }
        }

        @Override
        public Content content(Entry e) {
            String name = e.name();
            return () -> {
                ZipEntry z = zip.getEntry(name);
                if (z == null) {
                    throw new IOException(name + " is no longer in " + path);
                }
                if (z.getSize() != e.size() || z.getCrc() != e.crc()) {
                    // Members are found by name: of two with one name, only one can be read.
                    throw new IOException(label() + " holds more than one member named " + name + " and only one of them "
                            + "can be read in place: unpack the archive and upload its folder to get this one");
                }
                return new CheckedMember(zip.getInputStream(z), label() + "!" + name, e.size(), e.crc());
            };
        }

        @Override
        public ItemKey key(Entry e) {
            return ItemKey.of(identity + "!" + e.name(), stamp + "/" + e.size() + "/" + e.crc());
        }

        @Override
        public Optional<String> lane() {
            return Optional.empty();
        }

        @Override
        public void close() throws IOException {
            zip.close();
        }
    }

    /**
     * A zip member's bytes, checked against what the archive declares for it: no more than its size,
     * and at the end exactly its size and its CRC-32. The JDK's {@code ZipFile} checks neither, so a
     * damaged member or one whose declared size lies would otherwise be sent as it reads.
     */
    final class CheckedMember extends FilterInputStream {
        private final String name;
        private final long size;
        private final long crc;
        private final CRC32 computed = new CRC32();
        private long count;

        CheckedMember(InputStream in, String name, long size, long crc) {
            super(in);
            this.name = name;
            this.size = size;
            this.crc = crc;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                throw damaged("cannot be unpacked (" + e.getMessage() + ")", e);
            }
            if (n > 0) {
                computed.update(b, off, n);
                count += n;
                if (size >= 0 && count > size) {
                    throw damaged("holds more bytes than the " + size + " its archive declares", null);
                }
            } else if (n < 0) {
                if (size >= 0 && count != size) {
                    throw damaged("holds " + count + " bytes where its archive declares " + size, null);
                }
                if (crc >= 0 && computed.getValue() != crc) {
                    throw damaged("does not match its checksum (CRC-32)", null);
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(n, 1 << 16)];
            int r = read(buf, 0, buf.length);
            return Math.max(r, 0);
        }

        private IOException damaged(String what, IOException cause) {
            return new IOException(name + " is damaged: it " + what + "; download this Takeout part again", cause);
        }
    }

    /**
     * A tar part, compressed or not: it can only be read from the start, so the scan reads it whole
     * (and hashes the members as they go by), and later reads go in order, one at a time, on one
     * stream that only goes back to the start when asked for a member it has passed.
     */
    final class Tar implements TakeoutPart {
        private final Path path;
        private final boolean gzip;
        private final String identity;
        private final String stamp;
        private final Semaphore reading = new Semaphore(1);
        private TarArchiveInputStream stream;
        private int position;

        Tar(Path path, boolean gzip) throws IOException {
            this.path = path;
            this.gzip = gzip;
            this.identity = "tar:" + path.toRealPath();
            this.stamp = stamp(path);
        }

        private TarArchiveInputStream openStream() throws IOException {
            InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 20);
            try {
                return new TarArchiveInputStream(gzip ? new GZIPInputStream(in, 1 << 16) : in);
            } catch (IOException e) {
                in.close();
                throw new IOException(path + " is not a readable " + (gzip ? ".tgz" : ".tar") + " file (" + e.getMessage()
                        + "); download this Takeout part again", e);
            }
        }

        @Override
        public String label() {
            return path.getFileName().toString();
        }

        @Override
        public void scan(Visitor visitor) throws IOException {
            try (TarArchiveInputStream in = openStream()) {
                TarArchiveEntry e;
                int ordinal = 0;
                while ((e = in.getNextEntry()) != null) {
                    ordinal++;
                    if (e.isDirectory()) {
                        continue;
                    }
                    if (e.isSymbolicLink()) {
                        visitor.entry(Entry.notAFile(e.getName(), ordinal, "a symbolic link (to " + e.getLinkName()
                                + "), not a file: not followed"));
                        continue;
                    }
                    if (e.isLink()) {
                        visitor.entry(Entry.notAFile(e.getName(), ordinal, "a hard link (to " + e.getLinkName()
                                + "), not a file: not followed (a member it names in the archive is uploaded as itself)"));
                        continue;
                    }
                    if (!e.isFile() || e.isFIFO() || e.isCharacterDevice() || e.isBlockDevice()) {
                        visitor.entry(Entry.notAFile(e.getName(), ordinal, "not a regular file (a device or a pipe)"));
                        continue;
                    }
                    TarArchiveInputStream current = in;
                    visitor.entry(new Entry(e.getName(), e.getSize(), e.getModTime().toInstant(), ordinal, 0,
                            () -> new FilterInputStream(current) {
                                @Override
                                public void close() {
                                    // the archive stream goes on to the next member
                                }
                            }));
                }
            } catch (IOException e) {
                throw new IOException("cannot read " + path + ": " + e.getMessage() + "; the file may be truncated: "
                        + "download this Takeout part again", e);
            }
        }

        @Override
        public Content content(Entry e) {
            int ordinal = e.ordinal();
            String name = e.name();
            return () -> open(ordinal, name);
        }

        /** The member's bytes; the part is held until the returned stream is closed. */
        private InputStream open(int ordinal, String name) throws IOException {
            reading.acquireUninterruptibly();
            try {
                if (stream == null || position >= ordinal) {
                    if (stream != null) {
                        stream.close();
                    }
                    stream = openStream();
                    position = 0;
                }
                TarArchiveEntry e = null;
                while (position < ordinal) {
                    e = stream.getNextEntry();
                    position++;
                    if (e == null) {
                        throw new IOException(name + " is no longer in " + path);
                    }
                }
                if (e == null || !e.getName().equals(name)) {
                    throw new IOException(path + " changed since it was read: " + name + " is not where it was");
                }
                TarArchiveInputStream current = stream;
                // Reads and close are serialised: once closed (the part released to the next reader),
                // a late read of an abandoned upload fails instead of stealing the next member's bytes.
                return new FilterInputStream(current) {
                    private boolean closed;

                    @Override
                    public synchronized int read() throws IOException {
                        open();
                        return super.read();
                    }

                    @Override
                    public synchronized int read(byte[] b, int off, int len) throws IOException {
                        open();
                        return super.read(b, off, len);
                    }

                    @Override
                    public synchronized long skip(long n) throws IOException {
                        open();
                        return super.skip(n);
                    }

                    private void open() throws IOException {
                        if (closed) {
                            throw new IOException(name + ": stream closed");
                        }
                    }

                    @Override
                    public synchronized void close() {
                        if (!closed) {
                            closed = true;
                            reading.release();
                        }
                    }
                };
            } catch (IOException | RuntimeException x) {
                if (stream != null) {
                    try {
                        stream.close();
                    } catch (IOException ignored) {
                        // reopened on the next read
                    }
                    stream = null;
                }
                reading.release();
                throw x;
            }
        }

        @Override
        public ItemKey key(Entry e) {
            return ItemKey.of(identity + "!" + e.ordinal() + "!" + e.name(), stamp + "/" + e.size() + "/" + e.modified().toEpochMilli());
        }

        @Override
        public Optional<String> lane() {
            return Optional.of(identity);
        }

        @Override
        public void close() throws IOException {
            if (stream != null) {
                stream.close();
            }
        }
    }

    /** A part unpacked into a folder: its files, by their path inside it. Links are not followed. */
    final class Folder implements TakeoutPart {
        private final Path root;

        Folder(Path root) {
            this.root = root.toAbsolutePath().normalize();
        }

        @Override
        public String label() {
            return root.toString();
        }

        @Override
        public void scan(Visitor visitor) throws IOException {
            int[] ordinal = {0};
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    ordinal[0]++;
                    String name = root.relativize(file).toString().replace('\\', '/');
                    if (attrs.isRegularFile()) {
                        visitor.entry(new Entry(name, attrs.size(), attrs.lastModifiedTime().toInstant(), ordinal[0],
                                attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS), () -> Files.newInputStream(file)));
                    } else {
                        visitor.entry(Entry.notAFile(name, ordinal[0], attrs.isSymbolicLink() ? "a symbolic link, not a file: not followed"
                                : "not a regular file (a device, a socket or a pipe)"));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        }

        @Override
        public Content content(Entry e) {
            Path file = root.resolve(e.name());
            return () -> Files.newInputStream(file);
        }

        @Override
        public ItemKey key(Entry e) {
            Path file = root.resolve(e.name());
            String real;
            try {
                real = file.toRealPath().toString();
            } catch (IOException x) {
                real = file.toString();
            }
            // The same key as a folder upload of the same file: one hash cache for both.
            return ItemKey.of("file:" + real, e.size() + "/" + e.crc());
        }

        @Override
        public Optional<String> lane() {
            return Optional.empty();
        }

        @Override
        public void close() {
        }
    }
}
