package app.shoebox.cli.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server that answers the uploader's calls and throws the files away: what the uploader does
 * when the server costs nothing. Its rate is the uploader's own ceiling on this machine, the
 * anchor the real server's rate is compared with.
 */
final class UploadSink implements AutoCloseable {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]*)\"");

    private final HttpServer server;
    final AtomicLong files = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();

    UploadSink() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                if (method.equals("POST") && path.equals("/api/assets")) {
                    byte[] buf = new byte[1 << 16];
                    long n = 0;
                    int r;
                    while ((r = in.read(buf)) > 0) {
                        n += r;
                    }
                    bytes.addAndGet(n);
                    files.incrementAndGet();
                    body = null;
                } else {
                    body = in.readAllBytes();
                }
            }
            switch (method + " " + path) {
                case "GET /api/server/version" -> json(ex, 200, "{\"major\":3,\"minor\":1,\"patch\":0}");
                case "GET /api/users/me" -> json(ex, 200, "{\"id\":\"00000000-0000-0000-0000-000000000001\","
                        + "\"email\":\"sink@bench\",\"name\":\"sink\",\"isAdmin\":false}");
                case "GET /api/server/media-types" -> json(ex, 200, "{\"image\":[\".jpg\"],\"video\":[],\"sidecar\":[\".xmp\"]}");
                case "POST /api/assets/bulk-upload-check" -> {
                    StringBuilder sb = new StringBuilder("{\"results\":[");
                    Matcher m = ID.matcher(new String(body, StandardCharsets.UTF_8));
                    boolean first = true;
                    while (m.find()) {
                        sb.append(first ? "" : ",").append("{\"id\":\"").append(m.group(1)).append("\",\"action\":\"accept\"}");
                        first = false;
                    }
                    json(ex, 200, sb.append("]}").toString());
                }
                case "POST /api/assets" -> json(ex, 201, "{\"id\":\"" + UUID.randomUUID() + "\",\"status\":\"created\"}");
                default -> {
                    if (method.equals("PUT") && path.startsWith("/api/assets/")) {
                        json(ex, 200, "{}");
                    } else {
                        json(ex, 403, "{\"message\":\"Forbidden\"}");
                    }
                }
            }
        }
    }

    private static void json(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("content-type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
