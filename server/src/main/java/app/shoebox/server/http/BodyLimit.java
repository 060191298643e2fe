package app.shoebox.server.http;

import io.javalin.http.Context;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.io.IOException;

/**
 * Bounds every request body before a byte of it is held: each route says how much body it takes
 * (a JSON API 16 MiB, login 8 KiB, the upload its {@code --max-upload-size}), a declared
 * {@code Content-Length} over that is refused before reading, and a body without one (chunked) is
 * refused as soon as it passes the bound. Either way the answer is a 413 naming the route and the
 * limit.
 *
 * <p>Why a servlet filter: Javalin reads {@code ctx.body()} whole, up to one server-wide maximum,
 * which has to be the upload limit (50 GB by default). The filter puts a counting stream under
 * every request, with the JSON limit until the route's registration ({@link Api}) sets its own.
 */
public final class BodyLimit {

    /** JSON APIs: enough for 100,000 ids in one bulk request, little enough to hold in memory. */
    public static final long JSON_BYTES = 16L * 1024 * 1024;
    /** {@code POST /api/auth/login}: an e-mail and a password, with room to spare. */
    public static final long LOGIN_BYTES = 8 * 1024;

    private static final String ATTRIBUTE = BodyLimit.class.getName();

    private final String request;
    private long maxBytes;
    private long read;

    private BodyLimit(String request, long maxBytes) {
        this.request = request;
        this.maxBytes = maxBytes;
    }

    /** The filter that gives every request a body bounded by {@code defaultBytes}. */
    static Filter filter(long defaultBytes) {
        return new Filter() {
            @Override
            public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
                if (!(req instanceof HttpServletRequest http)) {
                    chain.doFilter(req, res);
                    return;
                }
                BodyLimit limit = new BodyLimit(http.getMethod() + " " + http.getRequestURI(), defaultBytes);
                http.setAttribute(ATTRIBUTE, limit);
                chain.doFilter(new Bounded(http, limit), res);
            }
        };
    }

    /**
     * Sets the bound of this request's body to {@code maxBytes}; a declared length over it is a 413
     * now, before anything is read.
     */
    static void apply(Context ctx, long maxBytes) {
        if (ctx.req().getAttribute(ATTRIBUTE) instanceof BodyLimit limit) {
            limit.maxBytes = maxBytes;
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge(ctx.method() + " " + ctx.path(), maxBytes);
        }
    }

    static ApiException tooLarge(String request, long maxBytes) {
        return ApiException.payloadTooLarge("Request body too large: " + request + " accepts at most " + maxBytes
                + " bytes (" + human(maxBytes) + "); split the request or send less");
    }

    private static String human(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return bytes / (1L << 30) + " GiB";
        }
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
            return bytes / (1L << 20) + " MiB";
        }
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) {
            return bytes / (1L << 10) + " KiB";
        }
        return bytes + " bytes";
    }

    private void count(int n) {
        if (n > 0) {
            read += n;
            if (read > maxBytes) {
                throw tooLarge(request, maxBytes);
            }
        }
    }

    /** The request with its body stream counted against the limit. */
    private static final class Bounded extends HttpServletRequestWrapper {
        private final BodyLimit limit;
        private ServletInputStream stream;

        Bounded(HttpServletRequest request, BodyLimit limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new Counting(super.getInputStream(), limit);
            }
            return stream;
        }
    }

    private static final class Counting extends ServletInputStream {
        private final ServletInputStream in;
        private final BodyLimit limit;

        Counting(ServletInputStream in, BodyLimit limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                limit.count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            limit.count(n);
            return n;
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
