package app.shoebox.server.assets;

import app.shoebox.media.FileType;
import app.shoebox.server.http.ApiException;
import app.shoebox.server.http.JsonInput;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.io.Content;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an upload's {@code multipart/form-data} body straight from the request stream: the file
 * parts go to temp files in the library (SHA-1 computed on the way, the file fsynced at its end),
 * the small text fields stay in memory. Nothing is buffered twice.
 *
 * <p>Why our own loop over Jetty's {@link MultiPart.Parser} rather than the servlet multipart API:
 * Jetty's servlet multipart support writes every part to a temp file of its own before the handler
 * sees it, so a 4 GB video would cross the disk twice and the checksum would need a third read.
 * Jetty's parser is push-based and already on the class path (it is what Jetty uses underneath),
 * so it costs no dependency; we feed it the request bytes as they arrive.
 */
final class UploadStream {

    static final String ASSET_PART = "assetData";
    static final String SIDECAR_PART = "sidecarData";

    /** Largest text field we keep (a {@code metadata} JSON array is the biggest a client sends). */
    static final int MAX_FIELD_BYTES = 1 << 20;
    /** All text fields together: they are held in memory, unlike the files. */
    static final int MAX_ALL_FIELDS_BYTES = 4 << 20;
    /**
     * The headers of one part, held in memory while parsed: a name, a file name of at most 255
     * characters (up to three times that percent-encoded in {@code filename*}) and a content type fit
     * many times over.
     */
    static final int MAX_PART_HEADER_BYTES = 8 * 1024;
    /** Immich's clients send about ten fields and one or two files. */
    static final int MAX_PARTS = 32;
    private static final int READ_BUFFER = 64 * 1024;
    private static final String REQUEST = "POST /api/assets";

    /** A file part written to a temp file: the name the client gave it, its size, SHA-1 and first bytes. */
    record FilePart(String clientFileName, Path temp, long size, byte[] sha1, byte[] head) {}

    /**
     * What the body held. Closing removes the temp files that were not moved into the library, so
     * a failed upload leaves nothing behind.
     */
    static final class Received implements AutoCloseable {
        private final Map<String, byte[]> fields;
        private final Map<String, FilePart> files;
        private final AssetFiles storage;

        Received(Map<String, byte[]> fields, Map<String, FilePart> files, AssetFiles storage) {
            this.fields = fields;
            this.files = files;
            this.storage = storage;
        }

        /**
         * A text field, if sent and not blank. Checked when asked for, so fields Shoebox ignores are
         * never judged: one that is not UTF-8, holds a NUL or is too long to store is a 400 naming it.
         */
        Optional<String> field(String name) {
            Optional<String> text = utf8(name);
            text.ifPresent(t -> JsonInput.requireStorable(t, REQUEST + ": upload field '" + name + "'"));
            return text;
        }

        /**
         * A text field that the caller cleans of control characters itself (the file name, whose
         * cleaning drops a NUL with the rest), so only its encoding is checked here.
         */
        Optional<String> fieldToClean(String name) {
            return utf8(name);
        }

        private Optional<String> utf8(String name) {
            byte[] raw = fields.get(name);
            if (raw == null) {
                return Optional.empty();
            }
            JsonInput.requireUtf8(raw, REQUEST + ": upload field '" + name + "'");
            return Optional.of(new String(raw, StandardCharsets.UTF_8)).filter(s -> !s.isBlank());
        }

        Optional<FilePart> file(String name) {
            return Optional.ofNullable(files.get(name));
        }

        @Override
        public void close() {
            files.values().forEach(f -> storage.deleteQuietly(f.temp()));
        }
    }

    private UploadStream() {
    }

    /**
     * Reads the whole body. Throws a 400 for a body that is not complete, well-formed multipart,
     * and a 413 once more than {@code maxBytes} arrived; either way no temp file is left.
     */
    static Received read(InputStream in, String contentType, long maxBytes, AssetFiles storage) {
        String boundary = contentType == null ? null : MultiPart.extractBoundary(contentType);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")
                || boundary == null || boundary.isEmpty()) {
            throw ApiException.badRequest("POST /api/assets needs a multipart/form-data body with a boundary, got content type '"
                    + contentType + "'");
        }
        Collector collector = new Collector(storage);
        MultiPart.Parser parser = new MultiPart.Parser(boundary, collector);
        parser.setPartHeadersMaxLength(MAX_PART_HEADER_BYTES);
        parser.setMaxParts(MAX_PARTS);
        try {
            byte[] buffer = new byte[READ_BUFFER];
            long total = 0;
            int n;
            while (!collector.complete && (n = readBody(in, buffer)) >= 0) {
                total += n;
                if (total > maxBytes) {
                    throw tooLarge(maxBytes);
                }
                parser.parse(Content.Chunk.from(ByteBuffer.wrap(buffer, 0, n), false));
                collector.throwIfFailed();
            }
            if (!collector.complete) {
                parser.parse(Content.Chunk.EOF);
                collector.throwIfFailed();
            }
            if (!collector.complete) {
                throw ApiException.badRequest("upload body ended before the multipart closing boundary; the upload was cut off, send it again");
            }
            return new Received(collector.fields, collector.files, storage);
        } catch (RuntimeException e) {
            collector.discard();
            throw e;
        }
    }

    static ApiException tooLarge(long maxBytes) {
        return ApiException.payloadTooLarge("upload is larger than this server's limit of " + maxBytes
                + " bytes; ask the administrator to raise the upload size limit");
    }

    private static int readBody(InputStream in, byte[] buffer) {
        try {
            return in.read(buffer);
        } catch (IOException e) {
            throw ApiException.badRequest("upload body ended early (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); send it again");
        }
    }

    /** Receives the parser's events; I/O failures are kept and rethrown by the read loop. */
    private static final class Collector implements MultiPart.Parser.Listener {
        private final AssetFiles storage;
        final Map<String, byte[]> fields = new HashMap<>();
        final Map<String, FilePart> files = new HashMap<>();
        /** The file parts that came with a file name: a real file, which a nameless part never replaces. */
        private final java.util.Set<String> namedFiles = new java.util.HashSet<>();
        private final List<Path> temps = new ArrayList<>();
        boolean complete;
        private RuntimeException failure;

        private String partName;
        private String partFileName;
        private Sink sink;
        private long fieldBytes;

        Collector(AssetFiles storage) {
            this.storage = storage;
        }

        void throwIfFailed() {
            if (failure != null) {
                throw failure;
            }
        }

        void discard() {
            if (sink != null) {
                sink.abort();
            }
            temps.forEach(storage::deleteQuietly);
        }

        @Override
        public void onPartBegin() {
            partName = null;
            partFileName = null;
            sink = null;
        }

        @Override
        public void onPartHeader(String name, String value) {
            if (name != null && name.equalsIgnoreCase("Content-Disposition")) {
                Map<String, String> params = ContentDisposition.parameters(value);
                partName = params.get("name");
                partFileName = params.containsKey("filename*") ? params.get("filename*") : params.get("filename");
            }
        }

        @Override
        public void onPartHeaders() {
            if (failure != null) {
                return;
            }
            if (partName == null) {
                fail(ApiException.badRequest("a multipart part of the upload has no name in its Content-Disposition header"));
                return;
            }
            try {
                if (partName.equals(ASSET_PART) || partName.equals(SIDECAR_PART)) {
                    // Some clients (those built on Immich's SDK) send a text field of the same name
                    // beside the file: the part with a file name is the file, as Immich takes it.
                    boolean named = partFileName != null;
                    if (files.containsKey(partName) || namedFiles.contains(partName)) {
                        if (!named) {
                            sink = Sink.IGNORE;
                            return;
                        }
                        if (namedFiles.contains(partName)) {
                            fail(ApiException.badRequest("the upload has more than one '" + partName + "' part; send one file per request"));
                            return;
                        }
                        // The earlier part had no file name: it was a text field after all.
                        FilePart field = files.remove(partName);
                        temps.remove(field.temp());
                        storage.deleteQuietly(field.temp());
                    }
                    if (named) {
                        namedFiles.add(partName);
                    }
                    Path temp = storage.newTempFile();
                    temps.add(temp);
                    sink = new FileSink(temp);
                } else if (partFileName != null) {
                    sink = Sink.IGNORE; // an unknown file part: read past it
                } else {
                    sink = new FieldSink(partName, this);
                }
            } catch (IOException e) {
                fail(new IllegalStateException("cannot create a temp file in " + storage.tmpDir() + ": " + e.getMessage(), e));
            }
        }

        @Override
        public void onPartContent(Content.Chunk chunk) {
            if (failure != null || sink == null) {
                return;
            }
            try {
                sink.write(chunk.getByteBuffer());
            } catch (IOException e) {
                fail(new IllegalStateException("cannot write the upload to " + storage.tmpDir() + ": " + e.getMessage(), e));
            } catch (ApiException e) {
                fail(e);
            }
        }

        @Override
        public void onPartEnd() {
            if (failure != null || sink == null) {
                return;
            }
            try {
                switch (sink) {
                    case FileSink f -> files.put(partName, f.finish(partFileName == null ? "" : partFileName));
                    case FieldSink f -> fields.putIfAbsent(partName, f.bytes());
                    default -> {
                    }
                }
            } catch (IOException e) {
                fail(new IllegalStateException("cannot finish writing the upload in " + storage.tmpDir() + ": " + e.getMessage(), e));
            }
            sink = null;
        }

        @Override
        public void onComplete() {
            complete = true;
        }

        @Override
        public void onFailure(Throwable t) {
            // Jetty's parser says "headers max length exceeded: N" and "Form with too many keys [N > M]".
            String message = String.valueOf(t.getMessage());
            if (message.contains("headers max length")) {
                fail(ApiException.payloadTooLarge(REQUEST + ": the headers of a multipart part are longer than "
                        + MAX_PART_HEADER_BYTES + " bytes; send a shorter file name"));
            } else if (message.contains("too many keys")) {
                fail(ApiException.payloadTooLarge(REQUEST + ": the upload has more than " + MAX_PARTS
                        + " multipart parts; send one file and its fields per request"));
            } else {
                fail(ApiException.badRequest("upload body is not valid multipart/form-data: " + message
                        + "; the upload may have been cut off, send it again"));
            }
        }

        private void fail(RuntimeException e) {
            if (failure == null) {
                failure = e;
            }
        }
    }

    private sealed interface Sink permits FileSink, FieldSink, Ignore {
        Sink IGNORE = new Ignore();

        void write(ByteBuffer bytes) throws IOException;

        default void abort() {
        }
    }

    private record Ignore() implements Sink {
        @Override
        public void write(ByteBuffer bytes) {
        }
    }

    /** Streams a part to its temp file, hashing it and keeping its first bytes for type detection. */
    private static final class FileSink implements Sink {
        private final Path temp;
        private final FileChannel channel;
        private final MessageDigest sha1;
        private final byte[] head = new byte[FileType.HEAD_BYTES];
        private int headLength;
        private long size;

        FileSink(Path temp) throws IOException {
            this.temp = temp;
            this.channel = FileChannel.open(temp, StandardOpenOption.WRITE);
            try {
                this.sha1 = MessageDigest.getInstance("SHA-1");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("this Java runtime has no SHA-1", e);
            }
        }

        @Override
        public void write(ByteBuffer bytes) throws IOException {
            if (headLength < head.length) {
                int take = Math.min(head.length - headLength, bytes.remaining());
                bytes.duplicate().get(head, headLength, take);
                headLength += take;
            }
            sha1.update(bytes.duplicate());
            size += bytes.remaining();
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }

        FilePart finish(String clientFileName) throws IOException {
            try (channel) {
                channel.force(true);
            }
            return new FilePart(clientFileName, temp, size, sha1.digest(), Arrays.copyOf(head, headLength));
        }

        @Override
        public void abort() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the temp file is removed next
            }
        }
    }

    private static final class FieldSink implements Sink {
        private final String name;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        private final Collector owner;

        FieldSink(String name, Collector owner) {
            this.name = name;
            this.owner = owner;
        }

        @Override
        public void write(ByteBuffer chunk) {
            if (bytes.size() + chunk.remaining() > MAX_FIELD_BYTES) {
                throw ApiException.payloadTooLarge(REQUEST + ": upload field '" + name + "' is longer than " + MAX_FIELD_BYTES + " bytes");
            }
            owner.fieldBytes += chunk.remaining();
            if (owner.fieldBytes > MAX_ALL_FIELDS_BYTES) {
                throw ApiException.payloadTooLarge(REQUEST + ": the upload's text fields are longer than " + MAX_ALL_FIELDS_BYTES
                        + " bytes together");
            }
            byte[] b = new byte[chunk.remaining()];
            chunk.duplicate().get(b);
            bytes.write(b, 0, b.length);
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }
}
