package app.shoebox.server.assets;

import app.shoebox.server.http.ApiException;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends a library file: its own content type, a download name, cache validators, and one byte
 * range when asked (video players and resumed downloads need it). The file is copied by the
 * kernel where it can be ({@link FileChannel#transferTo}), never read into memory.
 */
final class FileResponse {

    private static final Pattern RANGE = Pattern.compile("^bytes=(\\d*)-(\\d*)$");

    private FileResponse() {
    }

    /** A byte range, both ends included. */
    record Range(long first, long last) {
        long length() {
            return last - first + 1;
        }
    }

    static void send(Context ctx, AssetService.Download download) throws IOException {
        try (AssetService.Download d = download) {
            sendOpen(ctx, d);
        }
    }

    /**
     * For every file response: a library file is whatever a client uploaded, so a browser must
     * neither guess another type for it (nosniff) nor run anything in it as a page of Shoebox's
     * origin: the sandbox gives a file opened as a page an origin of its own and no scripts, and
     * {@code default-src 'none'} lets it load nothing (the style rule is for the browser's own
     * image viewer).
     */
    static final String SANDBOX = "sandbox; default-src 'none'; style-src 'unsafe-inline'";

    private static void sendOpen(Context ctx, AssetService.Download d) throws IOException {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Content-Security-Policy", SANDBOX);
        ctx.header("Cache-Control", "private, max-age=86400, no-transform");
        ctx.header("ETag", d.etag());
        ctx.header("Content-Disposition", ContentDisposition.attachment(d.fileName()));
        ctx.header("Accept-Ranges", "bytes");
        String ifNoneMatch = ctx.header("If-None-Match");
        if (ifNoneMatch != null && (ifNoneMatch.equals(d.etag()) || ifNoneMatch.equals("*"))) {
            ctx.status(304);
            return;
        }
        long size = d.file().size();
        Optional<Range> range = Optional.ofNullable(ctx.header("Range"))
                .filter(r -> ifRangeMatches(ctx.header("If-Range"), d.etag()))
                .flatMap(r -> parse(r, size));
        Range part = range.orElse(new Range(0, size - 1));
        // A file has no character set; without this the servlet layer appends the JSON default's.
        ctx.res().setCharacterEncoding(null);
        ctx.res().setContentType(d.contentType());
        if (range.isPresent()) {
            ctx.status(206);
            ctx.header("Content-Range", "bytes " + part.first() + "-" + part.last() + "/" + size);
        } else {
            ctx.status(200);
        }
        ctx.res().setContentLengthLong(Math.max(part.length(), 0));
        if (ctx.method() == HandlerType.HEAD) {
            return; // the headers say it all; reading the file only for it to be dropped would cost a whole read
        }
        FileChannel file = d.file();
        OutputStream out = ctx.res().getOutputStream();
        WritableByteChannel target = Channels.newChannel(out);
        long position = part.first();
        long remaining = part.length();
        while (remaining > 0) {
            long n = file.transferTo(position, remaining, target);
            if (n <= 0) {
                break; // the file shrank under us; the client sees a short body
            }
            position += n;
            remaining -= n;
        }
        out.flush();
    }

    private static boolean ifRangeMatches(String ifRange, String etag) {
        return ifRange == null || ifRange.equals(etag);
    }

    /** One range of {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n}; anything else means the whole file. */
    static Optional<Range> parse(String header, long size) {
        Matcher m = RANGE.matcher(header.strip());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return Optional.empty();
        }
        try {
            long first;
            long last;
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                first = Math.max(0, size - suffix);
                last = size - 1;
            } else {
                first = Long.parseLong(m.group(1));
                last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            }
            if (first >= size || first > last) {
                throw new ApiException(416, "Range " + header + " is outside the file's " + size + " bytes");
            }
            return Optional.of(new Range(first, last));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
