package app.shoebox.server.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP/1.1 over a plain socket, for what {@code java.net.http} will not send: a body that goes on
 * after the server has answered, a Content-Length that is never honoured. The body is written on
 * its own thread while the answer is read, so a server that answers early is seen answering early.
 */
final class RawHttp {

    /** What came back, and how many body bytes the writer got out before it stopped or was cut off. */
    record Answer(int status, String head, String body, long bodyBytesSent) {}

    @FunctionalInterface
    interface BodyWriter {
        void write(OutputStream out, AtomicLong sent) throws IOException;
    }

    private RawHttp() {
    }

    static Answer exchange(int port, String head, BodyWriter body) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            AtomicLong sent = new AtomicLong();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    body.write(out, sent);
                    out.flush();
                } catch (IOException e) {
                    // The server answered and closed: what this helper exists to observe.
                }
            });
            byte[] answer = readAnswer(socket.getInputStream());
            socket.shutdownInput();
            writer.join(60_000);
            String text = new String(answer, StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String headPart = split < 0 ? text : text.substring(0, split);
            String bodyPart = split < 0 ? "" : text.substring(split + 4);
            int status = Integer.parseInt(headPart.substring(9, 12));
            return new Answer(status, headPart, bodyPart, sent.get());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Reads one response: its head, then a Content-Length body or a chunked one. */
    private static byte[] readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return all.toByteArray();
            }
            all.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
        }
        String head = all.toString(StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        int cl = head.indexOf("content-length:");
        if (cl >= 0) {
            int end = head.indexOf("\r\n", cl);
            int length = Integer.parseInt(head.substring(cl + 15, end).strip());
            all.write(in.readNBytes(length));
        } else if (head.contains("transfer-encoding: chunked")) {
            while (true) {
                String size = line(in);
                int n = Integer.parseInt(size.split(";")[0].strip(), 16);
                if (n == 0) {
                    line(in);
                    break;
                }
                all.write(in.readNBytes(n));
                line(in);
            }
        }
        return all.toByteArray();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Writes {@code total} bytes of {@code filler} as HTTP chunks of 64 KiB, then the last chunk. */
    static BodyWriter chunked(byte[] prefix, byte filler, long total) {
        return (out, sent) -> {
            byte[] block = new byte[64 * 1024];
            java.util.Arrays.fill(block, filler);
            writeChunk(out, prefix, prefix.length);
            sent.addAndGet(prefix.length);
            long left = total - prefix.length;
            while (left > 0) {
                int n = (int) Math.min(block.length, left);
                writeChunk(out, block, n);
                sent.addAndGet(n);
                left -= n;
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        };
    }

    private static void writeChunk(OutputStream out, byte[] bytes, int n) throws IOException {
        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes, 0, n);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
}
