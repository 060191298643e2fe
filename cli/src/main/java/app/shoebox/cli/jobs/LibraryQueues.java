package app.shoebox.cli.jobs;

import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobSchema;
import app.shoebox.jobs.QueueAdmin;
import app.shoebox.server.db.Database;
import app.shoebox.server.pipeline.MediaPipeline;
import app.shoebox.server.queues.QueueService;
import app.shoebox.server.storage.StorageTemplate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The queues through the library's catalogue: beside a running server, or with none running. */
final class LibraryQueues implements Queues {

    private final Database db;
    private final QueueAdmin admin;
    private final QueueService service;
    private final MediaPipeline pipeline;

    LibraryQueues(Database db, Path library, Optional<StorageTemplate> template) {
        this.db = db;
        JobSchema.DEFAULT.migrate(db.dataSource());
        JobClient jobs = JobClient.create(db.dataSource(), JobSchema.DEFAULT);
        this.admin = QueueAdmin.create(db.dataSource(), JobSchema.DEFAULT);
        this.pipeline = new MediaPipeline(db.jdbi(), jobs, library, template);
        this.service = new QueueService(jobs, admin, pipeline.starters());
    }

    @Override
    public List<View> list() {
        return service.all().stream().map(q -> new View(q.name(), q.isPaused(),
                q.pauses().stream().map(LibraryQueues::describe).toList(), q.counts().waiting(), q.counts().active(),
                q.counts().delayed(), q.counts().paused(), q.counts().failed(), q.counts().completed(),
                q.concurrency() < 0 ? Optional.empty() : Optional.of(q.concurrency()), q.oldestWaiting(),
                q.throttle().map(t -> t.reason() + " (" + share(t.fraction()) + ")"))).toList();
    }

    /** "one job at a time" or "25 % of concurrency", as ServerQueues says it too. */
    static String share(double fraction) {
        return fraction <= 0 ? "one job at a time per worker" : Math.round(fraction * 100) + " % of concurrency";
    }

    private static String describe(QueueAdmin.Pause p) {
        return (p.queue().equals(QueueAdmin.ALL_QUEUES) ? "all queues: " : "") + p.holder()
                + p.expiresAt().map(t -> " until " + t).orElse("");
    }

    @Override
    public void pause(String queue, Optional<Duration> ttl) {
        if (ttl.isPresent()) {
            admin.pauseLease(queue, HOLDER, ttl.get());
        } else {
            service.setPaused(queue, true);
        }
    }

    @Override
    public void resume(String queue) {
        service.setPaused(queue, false);
        admin.releasePause(queue, HOLDER);
    }

    @Override
    public long retryFailed(String queue) {
        return service.retryFailed(queue);
    }

    @Override
    public void concurrency(String queue, int concurrency) {
        service.setConcurrency(queue, concurrency);
    }

    @Override
    public Optional<Long> start(String queue, boolean all) {
        QueueService.QueueStarter starter = pipeline.starters().get(queue);
        if (starter == null) {
            throw new IllegalArgumentException("Shoebox has no step to start on queue " + queue + "; it starts "
                    + pipeline.starters().keySet().stream().sorted().toList());
        }
        return Optional.of(starter.start(all));
    }

    @Override
    public String where() {
        return db.description();
    }

    @Override
    public void close() {
        db.close();
    }
}
