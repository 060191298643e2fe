package app.shoebox.client.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@code multipart/form-data} body streamed from its files, never held in memory, with its length
 * known before the first byte (so servers and proxies see a {@code Content-Length}). Each file
 * part must deliver exactly its declared size: a file that changed while being read fails the
 * attempt as a {@link SourceReadException}, which is never retried.
 */
public final class MultipartBody {

    /** Opens a file's bytes; called once per attempt. */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }

    private sealed interface Part {
    }

    private record Field(String name, String value) implements Part {
    }

    private record FilePart(String name, String fileName, long size, String describe, Opener opener) implements Part {
    }

    private final String boundary = "shoebox-" + UUID.randomUUID();
    private final List<Part> parts = new ArrayList<>();

    public MultipartBody field(String name, String value) {
        parts.add(new Field(name, value));
        return this;
    }

    /** A file part; {@code describe} names the file in errors (its path, or archive and member). */
    public MultipartBody file(String name, String fileName, long size, String describe, Opener opener) {
        parts.add(new FilePart(name, fileName, size, describe, opener));
        return this;
    }

    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** The body's length in bytes. */
    public long length() {
        long n = 0;
        for (Part p : parts) {
            n += header(p).length + 2;
            if (p instanceof FilePart f) {
                n += f.size();
            } else if (p instanceof Field f) {
                n += f.value().getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return n + closing().length;
    }

    /**
     * A publisher for one attempt. The files are opened now, so a file that cannot be opened fails
     * before anything is sent; {@code sent} counts body bytes as the connection takes them.
     */
    public HttpRequest.BodyPublisher publisher(Exchange exchange, LongAdder sent) throws IOException {
        BodyStream first = new BodyStream(exchange, sent);
        first.openAll();
        exchange.closeAtEnd(first);
        boolean[] used = {false};
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
            if (!used[0]) {
                used[0] = true;
                return first;
            }
            BodyStream again = new BodyStream(exchange, sent);
            try {
                again.openAll();
                exchange.closeAtEnd(again);
            } catch (IOException e) {
                exchange.sourceFailed(e);
                return InputStream.nullInputStream();
            }
            return again;
        }), length());
    }

    private byte[] header(Part p) {
        StringBuilder h = new StringBuilder("--").append(boundary).append("\r\n");
        switch (p) {
            case Field f -> h.append("Content-Disposition: form-data; name=\"").append(f.name()).append("\"\r\n\r\n");
            case FilePart f -> h.append("Content-Disposition: form-data; name=\"").append(f.name())
                    .append("\"; filename=\"").append(quoted(f.fileName())).append("\"\r\n")
                    .append("Content-Type: application/octet-stream\r\n\r\n");
        }
        return h.toString().getBytes(StandardCharsets.UTF_8);
    }

    private byte[] closing() {
        return ("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A file name inside a quoted header parameter: no quote, backslash, line break or other control
     * character survives (servers refuse a header with one; the {@code filename} field keeps the name as it is).
     */
    private static String quoted(String name) {
        StringBuilder q = new StringBuilder(name.length());
        name.codePoints().forEach(c -> {
            switch (c) {
                case '\\' -> q.append('_');
                case '"' -> q.append("%22");
                default -> {
                    if (Character.isISOControl(c)) {
                        q.append(' ');
                    } else {
                        q.appendCodePoint(c);
                    }
                }
            }
        });
        return q.toString();
    }

    /** The body as one stream: headers and field values from memory, file parts from their openers. */
    private final class BodyStream extends InputStream {
        private final Exchange exchange;
        private final LongAdder sent;
        private final List<Object> segments = new ArrayList<>();
        private int index;
        private long readOfFile;
        private boolean done;

        BodyStream(Exchange exchange, LongAdder sent) {
            this.exchange = exchange;
            this.sent = sent;
        }

        void openAll() throws IOException {
            List<InputStream> opened = new ArrayList<>();
            try {
                for (Part p : parts) {
                    segments.add(header(p));
                    switch (p) {
                        case Field f -> segments.add(f.value().getBytes(StandardCharsets.UTF_8));
                        case FilePart f -> {
                            InputStream in;
                            try {
                                in = f.opener().open();
                            } catch (IOException e) {
                                throw new IOException("cannot read " + f.describe() + ": " + message(e), e);
                            }
                            opened.add(in);
                            segments.add(new OpenFile(f, in));
                        }
                    }
                    segments.add("\r\n".getBytes(StandardCharsets.UTF_8));
                }
                segments.add(closing());
            } catch (IOException e) {
                for (InputStream in : opened) {
                    in.close();
                }
                throw e;
            }
        }

        private int position;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (index < segments.size()) {
                Object s = segments.get(index);
                if (s instanceof byte[] bytes) {
                    if (position < bytes.length) {
                        int n = Math.min(len, bytes.length - position);
                        System.arraycopy(bytes, position, b, off, n);
                        position += n;
                        return counted(n);
                    }
                } else {
                    OpenFile f = (OpenFile) s;
                    int n;
                    try {
                        long left = f.part().size() - readOfFile;
                        n = f.in().read(b, off, (int) Math.min(len, Math.max(1, left)));
                    } catch (IOException e) {
                        throw failed(new IOException("cannot read " + f.part().describe() + ": " + message(e), e));
                    }
                    if (n > 0) {
                        readOfFile += n;
                        if (readOfFile > f.part().size()) {
                            throw failed(new IOException(f.part().describe() + " grew while being uploaded (more than "
                                    + f.part().size() + " bytes); run again to send it as it is now"));
                        }
                        return counted(n);
                    }
                    if (readOfFile != f.part().size()) {
                        throw failed(new IOException(f.part().describe() + " changed while being uploaded (" + readOfFile
                                + " bytes instead of " + f.part().size() + "); run again to send it as it is now"));
                    }
                    f.in().close();
                    readOfFile = 0;
                }
                index++;
                position = 0;
            }
            if (!done) {
                done = true;
                exchange.bodyDone();
            }
            return -1;
        }

        private int counted(int n) {
            exchange.moved(n);
            sent.add(n);
            return n;
        }

        private IOException failed(IOException e) {
            exchange.sourceFailed(e);
            return e;
        }

        @Override
        public void close() throws IOException {
            for (Object s : segments) {
                if (s instanceof OpenFile f) {
                    f.in().close();
                }
            }
        }
    }

    private record OpenFile(FilePart part, InputStream in) {
    }

    private static String message(IOException e) {
        return SourceReadException.reason(e);
    }

    /** The whole body in memory, for tests of small bodies. */
    byte[] toBytes() throws IOException {
        BodyStream s = new BodyStream(new Exchange(), new LongAdder());
        s.openAll();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.transferTo(out);
        return out.toByteArray();
    }
}
