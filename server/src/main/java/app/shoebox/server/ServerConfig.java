package app.shoebox.server;

import app.shoebox.server.auth.LoginThrottle;
import app.shoebox.server.db.Database;
import app.shoebox.server.http.TrustedProxies;
import app.shoebox.server.db.DatabaseUrl;
import app.shoebox.server.storage.StorageTemplate;
import app.shoebox.server.throttle.LoadThrottle;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything {@code shoebox serve} is told, already validated.
 *
 * @param library        folder holding originals, thumbnails and (by default) the embedded database
 * @param databaseUrl    an external PostgreSQL; empty means the embedded one in {@code library/postgres}
 * @param maxUploadBytes largest accepted upload body
 * @param firstAdmin     credentials for the first admin, used only when the catalogue has no user yet
 * @param storageTemplate where originals are moved after their metadata is read; empty leaves them
 *                       where the upload put them
 * @param inProcessJobs  whether the server works the job queues itself; otherwise worker processes
 *                       ({@code shoebox worker}, supervised by {@code shoebox serve}) do
 * @param security       who may name the client address, and how failed logins are throttled
 * @param loadThrottle   whether and when background jobs give way to a busy API
 */
public record ServerConfig(String bindAddress, int port, Path library, Optional<DatabaseUrl> databaseUrl,
                           long maxUploadBytes, Database.PoolSettings pool, FirstAdmin firstAdmin,
                           Optional<StorageTemplate> storageTemplate, boolean inProcessJobs, Security security,
                           LoadThrottle.Settings loadThrottle) {

    public static final int DEFAULT_PORT = 2283;
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 50L * 1024 * 1024 * 1024;

    /** First-start credentials from the environment; anything empty is generated. */
    public record FirstAdmin(Optional<String> email, Optional<String> password, Optional<String> apiKey) {
        public static FirstAdmin generated() {
            return new FirstAdmin(Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    /**
     * @param trustedProxies reverse proxies whose {@code X-Forwarded-For} is believed; none by default
     * @param loginThrottle  how failed logins are counted and locked
     */
    public record Security(TrustedProxies trustedProxies, LoginThrottle.Settings loginThrottle) {
        public static Security defaults() {
            return new Security(TrustedProxies.none(), LoginThrottle.Settings.DEFAULT);
        }
    }

    public ServerConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        if (maxUploadBytes <= 0) {
            throw new IllegalArgumentException("the upload size limit must be positive, got " + maxUploadBytes);
        }
        library = library.toAbsolutePath().normalize();
    }

    /** Defaults for everything but the library folder: port 2283 on all interfaces, embedded database. */
    public static ServerConfig defaults(Path library) {
        return new ServerConfig("0.0.0.0", DEFAULT_PORT, library, Optional.empty(), DEFAULT_MAX_UPLOAD_BYTES,
                Database.PoolSettings.defaults(), FirstAdmin.generated(),
                Optional.of(StorageTemplate.parse(StorageTemplate.DEFAULT)), false, Security.defaults(),
                LoadThrottle.Settings.DEFAULT);
    }

    public ServerConfig withBind(String bind, int newPort) {
        return new ServerConfig(bind, newPort, library, databaseUrl, maxUploadBytes, pool, firstAdmin, storageTemplate, inProcessJobs, security, loadThrottle);
    }

    public ServerConfig withDatabaseUrl(Optional<DatabaseUrl> url) {
        return new ServerConfig(bindAddress, port, library, url, maxUploadBytes, pool, firstAdmin, storageTemplate, inProcessJobs, security, loadThrottle);
    }

    public ServerConfig withMaxUploadBytes(long bytes) {
        return new ServerConfig(bindAddress, port, library, databaseUrl, bytes, pool, firstAdmin, storageTemplate, inProcessJobs, security, loadThrottle);
    }

    public ServerConfig withFirstAdmin(FirstAdmin admin) {
        return new ServerConfig(bindAddress, port, library, databaseUrl, maxUploadBytes, pool, admin, storageTemplate, inProcessJobs, security, loadThrottle);
    }

    public ServerConfig withStorageTemplate(Optional<StorageTemplate> template) {
        return new ServerConfig(bindAddress, port, library, databaseUrl, maxUploadBytes, pool, firstAdmin, template, inProcessJobs, security, loadThrottle);
    }

    public ServerConfig withInProcessJobs(boolean enabled) {
        return new ServerConfig(bindAddress, port, library, databaseUrl, maxUploadBytes, pool, firstAdmin, storageTemplate, enabled, security, loadThrottle);
    }

    public ServerConfig withSecurity(Security newSecurity) {
        return new ServerConfig(bindAddress, port, library, databaseUrl, maxUploadBytes, pool, firstAdmin, storageTemplate,
                inProcessJobs, newSecurity, loadThrottle);
    }

    public ServerConfig withLoadThrottle(LoadThrottle.Settings settings) {
        return new ServerConfig(bindAddress, port, library, databaseUrl, maxUploadBytes, pool, firstAdmin, storageTemplate,
                inProcessJobs, security, settings);
    }

    public Database.Location databaseLocation() {
        return databaseUrl.<Database.Location>map(Database.Location.External::new)
                .orElseGet(() -> new Database.Location.Embedded(library));
    }
}
