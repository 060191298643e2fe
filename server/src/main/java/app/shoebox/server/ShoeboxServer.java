package app.shoebox.server;

import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobEngine;
import app.shoebox.jobs.JobSchema;
import app.shoebox.jobs.QueueAdmin;
import app.shoebox.server.albums.AlbumRoutes;
import app.shoebox.server.albums.AlbumService;
import app.shoebox.server.assets.AssetCreatedHook;
import app.shoebox.server.assets.AssetViews;
import app.shoebox.server.assets.TrashRoutes;
import app.shoebox.server.live.CatalogueEventListener;
import app.shoebox.server.live.CatalogueEvents;
import app.shoebox.server.live.LiveEvents;
import app.shoebox.server.live.SocketIoRoutes;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.DriverManager;
import java.util.LinkedHashMap;
import java.util.Map;
import app.shoebox.server.live.ClientEvent;
import app.shoebox.server.serverinfo.ServerStateRoutes;
import app.shoebox.server.timeline.TimelineRoutes;
import app.shoebox.server.timeline.TimelineService;
import app.shoebox.server.web.WebRoutes;
import app.shoebox.server.assets.AssetFiles;
import app.shoebox.server.assets.AssetRoutes;
import app.shoebox.server.assets.AssetService;
import app.shoebox.server.assets.UploadService;
import app.shoebox.server.auth.ApiKeyService;
import app.shoebox.server.auth.AuthRoutes;
import app.shoebox.server.auth.Authenticator;
import app.shoebox.server.auth.LoginThrottle;
import app.shoebox.server.auth.SessionRoutes;
import app.shoebox.server.auth.SessionService;
import app.shoebox.server.db.Database;
import app.shoebox.server.db.ServerLock;
import app.shoebox.server.db.LibraryLock;
import app.shoebox.server.duplicates.DuplicateRoutes;
import app.shoebox.server.duplicates.DuplicateService;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.HttpServer;
import app.shoebox.server.http.Json;
import app.shoebox.server.libraries.LibraryJobs;
import app.shoebox.server.libraries.LibraryRoutes;
import app.shoebox.server.libraries.LibraryService;
import app.shoebox.server.metrics.Metrics;
import app.shoebox.server.throttle.ApiLoad;
import app.shoebox.server.throttle.LoadThrottle;
import app.shoebox.server.pipeline.AssetJobRoutes;
import app.shoebox.server.pipeline.AssetJobService;
import app.shoebox.server.pipeline.AssetJobs;
import app.shoebox.server.pipeline.MediaPipeline;
import app.shoebox.server.pipeline.Watchdog;
import app.shoebox.server.notifications.NotificationRoutes;
import app.shoebox.server.notifications.Notifications;
import app.shoebox.server.queues.QueueRoutes;
import app.shoebox.server.queues.QueueService;
import app.shoebox.server.serverinfo.ServerInfoRoutes;
import app.shoebox.server.serverinfo.ToolVersions;
import app.shoebox.server.stacks.StackRoutes;
import app.shoebox.server.stacks.StackService;
import app.shoebox.server.tags.TagRoutes;
import app.shoebox.server.tags.TagService;
import app.shoebox.server.system.SystemMetadata;
import app.shoebox.server.system.SystemRoutes;
import app.shoebox.server.unavailable.NotAvailableRoutes;
import app.shoebox.server.users.FirstStart;
import app.shoebox.server.users.Preferences;
import app.shoebox.server.users.UserRoutes;
import app.shoebox.server.users.UserService;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The one place that builds the server's parts and starts them, in order: library folder,
 * database (migrated), services, HTTP. Closing stops them in reverse.
 */
public final class ShoeboxServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ShoeboxServer.class);

    private final ServerConfig config;
    private final LibraryLock libraryLock;
    private final Database database;
    private final ServerLock serverLock;
    private final HttpServer http;
    private final Optional<JobEngine> jobEngine;
    private final Optional<FirstStart.Admin> firstStart;

    private final SocketIoRoutes socketIo;
    private final CatalogueEventListener listener;
    private final LoadThrottle loadThrottle;

    private ShoeboxServer(ServerConfig config, LibraryLock libraryLock, Database database, ServerLock serverLock,
                          HttpServer http, Optional<JobEngine> jobEngine, Optional<FirstStart.Admin> firstStart,
                          SocketIoRoutes socketIo, CatalogueEventListener listener, LoadThrottle loadThrottle) {
        this.loadThrottle = loadThrottle;
        this.socketIo = socketIo;
        this.listener = listener;
        this.config = config;
        this.libraryLock = libraryLock;
        this.database = database;
        this.serverLock = serverLock;
        this.http = http;
        this.jobEngine = jobEngine;
        this.firstStart = firstStart;
    }

    /**
     * Claims the library (its lock file, then its catalogue's advisory lock) before anything touches
     * either, so a second server is refused before its start-up cleanup can delete the first one's
     * uploads in flight; creates the first admin only once the port is bound, so a failed start never
     * uses up the one printing of its password.
     */
    public static ShoeboxServer start(ServerConfig config) {
        Library library = Library.open(config.library());
        LibraryLock libraryLock = LibraryLock.acquire(library.root(), "serve");
        Database database;
        try {
            database = Database.open(config.databaseLocation(), config.pool());
        } catch (RuntimeException e) {
            libraryLock.close();
            throw e;
        }
        Optional<JobEngine> engine = Optional.empty();
        ServerLock serverLock = null;
        HttpServer http = null;
        SocketIoRoutes socketIo = null;
        CatalogueEventListener listener = null;
        LoadThrottle loadThrottle = null;
        try {
            serverLock = database.holdServerLock(ProcessHandle.current().pid() + "@" + hostName() + " " + library.root());
            ObjectMapper mapper = Json.mapper();
            JobSchema.DEFAULT.migrate(database.dataSource());
            JobClient jobs = JobClient.create(database.dataSource(), JobSchema.DEFAULT);
            QueueAdmin queueAdmin = QueueAdmin.create(database.dataSource(), JobSchema.DEFAULT);
            UserService users = new UserService(database.jdbi());
            ApiKeyService apiKeys = new ApiKeyService(database.jdbi());
            SessionService sessions = new SessionService(database.jdbi(), users,
                    new LoginThrottle(config.security().loginThrottle(), java.time.InstantSource.system()));
            Authenticator authenticator = new Authenticator(database.jdbi());
            AssetViews assetViews = new AssetViews(database.jdbi());
            AssetFiles assetFiles = AssetFiles.open(library.root());
            MediaPipeline pipeline = new MediaPipeline(database.jdbi(), jobs, library.root(), config.storageTemplate());
            Metrics metrics = new Metrics(queueAdmin, database.dataSource(), app.shoebox.server.queues.QueueNames.WORKED);
            ApiLoad apiLoad = new ApiLoad();
            metrics.publish(() -> List.of(new Metrics.Gauge("shoebox_http_uploads_in_flight",
                    "Uploads (POST /api/assets) whose body is being received now",
                    Map.of(io.prometheus.metrics.model.snapshots.Labels.EMPTY, (double) apiLoad.uploadsInFlight()))));
            loadThrottle = LoadThrottle.start(config.loadThrottle(), apiLoad, () -> poolWaiting(database), queueAdmin,
                    "serve " + ProcessHandle.current().pid() + "@" + hostName());
            metrics.publish(loadThrottle::gauges);

            AssetService assetService = new AssetService(database.jdbi(), assetFiles);
            AssetCreatedHook onUpload = AssetJobs.enqueueOnUpload(jobs).andThen((tx, asset) ->
                    CatalogueEvents.publish(tx, ClientEvent.UPLOAD_SUCCESS, asset.ownerId(), List.of(asset.id())));
            Map<String, Integer> version = new LinkedHashMap<>();
            version.put("major", ServerInfoRoutes.IMMICH_VERSION[0]);
            version.put("minor", ServerInfoRoutes.IMMICH_VERSION[1]);
            version.put("patch", ServerInfoRoutes.IMMICH_VERSION[2]);
            Notifications notifications = new Notifications(database.jdbi());
            LiveEvents liveEvents = new LiveEvents(mapper, assetViews::ofOwner, notifications::of, version);
            socketIo = new SocketIoRoutes(liveEvents);
            listener = new CatalogueEventListener(dedicatedConnection(database), liveEvents::deliver).start();
            LibraryService libraries = new LibraryService(database.jdbi(), jobs, library.root());
            QueueService queueService = new QueueService(jobs, queueAdmin, LibraryJobs.withStarter(pipeline.starters(), libraries));
            SystemRoutes system = new SystemRoutes(mapper, queueService, config.storageTemplate(),
                    new SystemMetadata(database.jdbi(), mapper));
            List<Api.Routes> features = List.of(
                    new ServerInfoRoutes(MediaSupport.mediaTypes(), ServerInfoRoutes.defaultFeatures(),
                            () -> ToolVersions.newest(database.jdbi()), MediaSupport.exiftoolVersion(), library.root()),
                    new AuthRoutes(sessions, apiKeys),
                    new SessionRoutes(sessions),
                    new ServerStateRoutes(users, system::isOnboarded),
                    system,
                    new UserRoutes(users, sessions, new Preferences(database.jdbi()), assetService::removeAllOf),
                    new AssetRoutes(new UploadService(database.jdbi(), assetFiles, onUpload, config.maxUploadBytes()),
                            assetService, mapper),
                    new TrashRoutes(assetService),
                    new TimelineRoutes(new TimelineService(database.jdbi())),
                    socketIo,
                    new WebRoutes(),
                    new AssetJobRoutes(new AssetJobService(database.jdbi(), pipeline)),
                    new AlbumRoutes(new AlbumService(database.jdbi()), users, assetViews),
                    new TagRoutes(new TagService(database.jdbi())),
                    new NotificationRoutes(notifications),
                    new NotAvailableRoutes(),
                    new StackRoutes(new StackService(database.jdbi()), assetViews),
                    new DuplicateRoutes(new DuplicateService(database.jdbi()), assetViews),
                    new QueueRoutes(queueService, mapper, library.root()),
                    new LibraryRoutes(libraries),
                    metrics);
            if (config.inProcessJobs()) {
                engine = Optional.of(pipeline.startNode(database.dataSource(), new MediaPipeline.NodeSettings(
                        "serve-" + ProcessHandle.current().pid(), 2, JobEngine.DEFAULT_HEARTBEAT,
                        MediaPipeline.DEFAULT_JOB_TIME_LIMIT, Watchdog.logOnly(Watchdog.DEFAULT_MARGIN)),
                        node -> LibraryJobs.register(node, database.jdbi(), jobs, LibraryJobs.Config.defaults())));
            }
            http = listen(new HttpServer(
                    new HttpServer.Settings(config.bindAddress(), config.port(), config.maxUploadBytes(),
                            config.security().trustedProxies()),
                    mapper, authenticator, features, HttpServer.RequestObserver.both(metrics, apiLoad)), config);
            Optional<FirstStart.Admin> firstStart = FirstStart.createAdminIfNone(users, apiKeys, config.firstAdmin());
            log.info("library folder: {}", library.root());
            log.info("storage template: {}", config.storageTemplate().map(Object::toString).orElse("none (originals stay where uploads put them)"));
            log.info("listening on http://{}:{} (Immich-compatible API under /api)", config.bindAddress(), http.port());
            return new ShoeboxServer(config, libraryLock, database, serverLock, http, engine, firstStart, socketIo, listener,
                    loadThrottle);
        } catch (RuntimeException e) {
            if (http != null) {
                http.close();
            }
            engine.ifPresent(JobEngine::close);
            if (loadThrottle != null) {
                loadThrottle.close();
            }
            if (listener != null) {
                listener.close();
            }
            if (socketIo != null) {
                socketIo.close();
            }
            if (serverLock != null) {
                serverLock.close();
            }
            database.close();
            libraryLock.close();
            throw e;
        }
    }

    /** Binds the port; one that is taken is a plain start failure that says what to do, not a stack trace. */
    private static HttpServer listen(HttpServer http, ServerConfig config) {
        try {
            return http.start();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.net.BindException) {
                    http.close();
                    throw new IllegalStateException("cannot listen on " + config.bindAddress() + ":" + config.port() + " ("
                            + t.getMessage() + "): another program uses that port. Stop it, or choose another --port.", e);
                }
            }
            throw e;
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    public int port() {
        return http.port();
    }

    /** Every route this server answers, with its access rule (see {@link HttpServer#routes()}). */
    public List<Api.Route> routes() {
        return http.routes();
    }

    public ServerConfig config() {
        return config;
    }

    public Database database() {
        return database;
    }

    /** Present only on the start that created the first admin. */
    public Optional<FirstStart.Admin> firstStart() {
        return firstStart;
    }

    /**
     * Completes, with why, if another server took this server's catalogue while the connection
     * holding its claim was lost ({@link ServerLock}): the process should then stop serving.
     */
    public java.util.concurrent.CompletableFuture<String> catalogueLost() {
        return serverLock.lost();
    }

    @Override
    public void close() {
        socketIo.close();
        http.close();
        listener.close();
        loadThrottle.close();
        jobEngine.ifPresent(e -> e.stop(Duration.ofSeconds(10)));
        serverLock.close();
        database.close();
        libraryLock.close();
    }

    /** Threads waiting for a connection of the catalogue's pool: the database is the API's bottleneck right now. */
    private static int poolWaiting(Database database) {
        if (database.dataSource() instanceof HikariDataSource pool && pool.getHikariPoolMXBean() != null) {
            return pool.getHikariPoolMXBean().getThreadsAwaitingConnection();
        }
        return 0;
    }

    /** A connection of its own for LISTEN, outside the pool, so it never takes a pooled connection for good. */
    private static CatalogueEventListener.ConnectionFactory dedicatedConnection(Database database) {
        if (database.dataSource() instanceof HikariDataSource pool) {
            return () -> DriverManager.getConnection(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
        }
        return () -> database.dataSource().getConnection();
    }

    /** The library folder's layout. */
    public record Library(Path root) {
        static Library open(Path root) {
            Database.createLibraryFolder(root);
            return new Library(root);
        }
    }
}
