package app.shoebox.server.db;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A PostgreSQL location as users write it: either a JDBC URL ({@code jdbc:postgresql://host/db})
 * or a libpq-style URL ({@code postgres://user:pass@host:port/db?sslmode=require}).
 */
public record DatabaseUrl(String jdbcUrl, Optional<String> user, Optional<String> password) {

    public static DatabaseUrl parse(String url) {
        String trimmed = url.trim();
        if (trimmed.startsWith("jdbc:postgresql:")) {
            return new DatabaseUrl(trimmed, Optional.empty(), Optional.empty());
        }
        if (!trimmed.startsWith("postgres://") && !trimmed.startsWith("postgresql://")) {
            throw new IllegalArgumentException("database URL must start with postgres://, postgresql:// or "
                    + "jdbc:postgresql://, got: " + redact(trimmed));
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("database URL is not a valid URL: " + redact(trimmed)
                    + " (" + e.getReason() + "); percent-encode special characters in the password", e);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("database URL has no host: " + redact(trimmed));
        }
        String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
        if (uri.getPort() > 0) {
            jdbc.append(':').append(uri.getPort());
        }
        jdbc.append('/').append(database);
        if (uri.getRawQuery() != null) {
            jdbc.append('?').append(uri.getRawQuery());
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = Optional.of(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            if (colon >= 0) {
                password = Optional.of(decode(userInfo.substring(colon + 1)));
            }
        }
        return new DatabaseUrl(jdbc.toString(), user, password);
    }

    /** The URL with any password replaced, for logs and error messages. */
    public static String redact(String url) {
        return url.replaceAll("://([^:/@]+):[^@/]*@", "://$1:***@").replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
