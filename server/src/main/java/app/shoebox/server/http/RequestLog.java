package app.shoebox.server.http;

import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per answered request: method, path (never the query, which may carry {@code ?apiKey=}),
 * status, time and client address, e.g. {@code GET /api/albums 200 4 ms from 192.0.2.7}. Headers,
 * cookies and bodies are never logged. Uploads and file downloads are logged at debug level, the
 * rest at info: a 100,000-file import must not write 100,000 info lines.
 */
public final class RequestLog {

    private static final Logger log = LoggerFactory.getLogger(RequestLog.class);
    private static final String QUIET = RequestLog.class.getName() + ".quiet";

    private RequestLog() {
    }

    /** Logs this request at debug level rather than info. */
    static void quiet(Context ctx) {
        ctx.attribute(QUIET, true);
    }

    static void answered(Context ctx, long nanos) {
        boolean quiet = Boolean.TRUE.equals(ctx.attribute(QUIET));
        if (quiet ? !log.isDebugEnabled() : !log.isInfoEnabled()) {
            return;
        }
        String line = ctx.req().getMethod() + " " + LogText.safe(ctx.path(), 300) + " " + ctx.statusCode() + " "
                + nanos / 1_000_000 + " ms from " + TrustedProxies.of(ctx);
        if (quiet) {
            log.debug("{}", line);
        } else {
            log.info("{}", line);
        }
    }
}
