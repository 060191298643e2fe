package app.shoebox.server.http;

import io.javalin.http.Context;

import java.net.URI;
import java.util.Locale;

/**
 * Cross-site request forgery checks for requests a browser sends on its own: writes authenticated
 * by the session cookie, and the login that sets it. API keys and {@code Authorization: Bearer}
 * tokens are headers a page on another site cannot make a browser send, so they are not checked.
 *
 * <p>Two independent rules. The origin: a browser says where a request comes from in
 * {@code Sec-Fetch-Site} (all current browsers) or {@code Origin}; anything but the server's own
 * origin is refused (403). The body: a page on another site can make a browser send a form or
 * {@code text/plain} without asking, but not JSON; so a cookie write must be JSON, or multipart for
 * an upload (415 otherwise). The session cookie is also {@code SameSite=Lax}.
 */
public final class CrossSite {

    private CrossSite() {
    }

    /** Whether a method changes state (everything but GET, HEAD, OPTIONS). */
    static boolean isWrite(Context ctx) {
        String method = ctx.req().getMethod().toUpperCase(Locale.ROOT);
        return !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"));
    }

    /**
     * Refuses a request that a browser says comes from another origin. Requests without either
     * header (clients that are not browsers, old browsers) pass; the body rule still applies.
     */
    static void requireSameOrigin(Context ctx) {
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null) {
            String s = site.strip().toLowerCase(Locale.ROOT);
            if (!s.equals("same-origin") && !s.equals("none")) {
                throw ApiException.forbidden(ctx.method() + " " + ctx.path() + " refused: the browser says it comes from another site"
                        + " (Sec-Fetch-Site: " + site + "); a session cookie is only accepted from Shoebox's own pages");
            }
            return;
        }
        String origin = ctx.header("Origin");
        if (origin != null && !sameHost(origin, ctx.header("Host"))) {
            throw ApiException.forbidden(ctx.method() + " " + ctx.path() + " refused: Origin " + origin
                    + " is not this server (" + ctx.header("Host") + "); a session cookie is only accepted from Shoebox's own pages");
        }
    }

    /**
     * Refuses a cookie-authenticated write whose body a cross-site form could have sent: it must be
     * JSON, or multipart where {@code multipart} allows it. A write without a body passes.
     */
    static void requireScriptOnlyBody(Context ctx, boolean multipart) {
        String type = ctx.req().getContentType();
        // HTTP/1.1: a request has a body when it declares a length or a transfer encoding.
        boolean hasBody = type != null || ctx.req().getContentLengthLong() > 0 || ctx.header("Transfer-Encoding") != null;
        if (!hasBody) {
            return;
        }
        String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (media.equals("application/json") || (multipart && media.equals("multipart/form-data"))) {
            return;
        }
        throw new ApiException(415, ctx.method() + " " + ctx.path() + " with a session cookie needs a body of type "
                + (multipart ? "multipart/form-data" : "application/json") + ", got "
                + (type == null ? "no content type" : "'" + type + "'"));
    }

    private static boolean sameHost(String origin, String host) {
        if (host == null || origin.equals("null")) {
            return false;
        }
        try {
            URI uri = URI.create(origin.strip());
            if (uri.getHost() == null) {
                return false;
            }
            String originHost = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            String h = host.strip();
            // A default port may or may not be spelled out in Host.
            int defaultPort = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            return originHost.equalsIgnoreCase(h) || (uri.getPort() < 0 && h.equalsIgnoreCase(uri.getHost() + ":" + defaultPort));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
