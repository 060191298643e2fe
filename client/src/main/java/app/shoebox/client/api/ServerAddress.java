package app.shoebox.client.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where a server's API lives. Users give either the server's root ({@code http://nas:2283}) or
 * its API base ({@code http://nas:2283/api}), as Immich's own CLI accepts; both end up as the API
 * base, without a trailing slash.
 */
public record ServerAddress(URI api) {

    public ServerAddress {
        String s = api.toString();
        if (s.endsWith("/")) {
            api = URI.create(s.substring(0, s.length() - 1));
        }
    }

    public static ServerAddress parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("no server given: pass --server URL (or set SHOEBOX_SERVER or IMMICH_INSTANCE_URL)");
        }
        String raw = url.strip();
        if (!raw.contains("://")) {
            raw = "http://" + raw;
        }
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the server URL '" + url + "' is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("the server URL '" + url + "' must look like http://host:2283 or https://host/api");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (!path.endsWith("/api")) {
            path = path + "/api";
        }
        return new ServerAddress(URI.create(scheme + "://" + uri.getRawAuthority() + path));
    }

    /** The API base with {@code path} (which starts with a slash and is already encoded) appended. */
    public URI resolve(String path) {
        return URI.create(api + path);
    }

    /** One path segment, percent-encoded (album ids are UUIDs, but lease holders carry {@code @}). */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The address without credentials or API path, for messages and for keying local state. */
    @Override
    public String toString() {
        return api.toString();
    }
}
