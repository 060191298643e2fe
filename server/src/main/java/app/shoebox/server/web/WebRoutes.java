package app.shoebox.server.web;

import app.shoebox.server.http.Api;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web UI: {@code /} is its page, {@code /web/...} its modules, styles and icons, read from the
 * jar's {@code web/} folder. Each file is answered with a content hash as its ETag and
 * {@code no-cache}, so the browser revalidates in one cheap 304 and always runs the current code.
 */
public final class WebRoutes implements Api.Routes {

    private static final String ROOT = "web/";
    /** Names the UI's files use; anything else (.., backslashes, odd characters) is not a file here. */
    private static final Pattern SAFE = Pattern.compile("^[a-zA-Z0-9_-]+(/[a-zA-Z0-9_-]+)*\\.[a-z0-9]+$");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml", "png", "image/png", "json", "application/json", "webmanifest", "application/manifest+json");

    private record File(byte[] bytes, String type, String etag) {}

    private final Map<String, Optional<File>> cache = new ConcurrentHashMap<>();

    @Override
    public void register(Api api) {
        api.rootGet("/", ctx -> send(ctx, "index.html"));
        api.rootGet("/web/<path>", ctx -> send(ctx, ctx.pathParam("path")));
    }

    private void send(Context ctx, String path) {
        Optional<File> found = SAFE.matcher(path).matches() ? cache.computeIfAbsent(path, WebRoutes::load) : Optional.empty();
        if (found.isEmpty()) {
            ctx.status(404).json(Map.of("message", "Not found: " + ctx.path() + " is not a file of the web UI"));
            return;
        }
        File f = found.get();
        ctx.header("ETag", f.etag());
        ctx.header("Cache-Control", "no-cache");
        ctx.header("X-Content-Type-Options", "nosniff");
        if (f.etag().equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.res().setCharacterEncoding(null);
        ctx.contentType(f.type());
        ctx.result(f.bytes());
    }

    private static Optional<File> load(String path) {
        String ext = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        String type = TYPES.get(ext);
        if (type == null) {
            return Optional.empty();
        }
        try (InputStream in = WebRoutes.class.getClassLoader().getResourceAsStream(ROOT + path)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            return Optional.of(new File(bytes, type, "\"" + sha1(bytes) + "\""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the web UI's " + path + " from the jar", e);
        }
    }

    private static String sha1(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
