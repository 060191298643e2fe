package app.shoebox.server.queues;

import app.shoebox.jobs.JobError;
import app.shoebox.jobs.JobView;
import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import app.shoebox.server.storage.LibraryPaths;
import io.javalin.http.Context;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/jobs} (Immich v2, still used by immich-go) and {@code /api/queues} (v3), plus
 * Shoebox's extensions under {@code /api/queues/{name}/...}: pause leases, concurrency, retry.
 * Admin only, as in Immich.
 */
public final class QueueRoutes implements Api.Routes {

    record QueueStatisticsDto(long active, long completed, long failed, long delayed, long waiting, long paused) {
        static QueueStatisticsDto of(QueueService.Counts c) {
            return new QueueStatisticsDto(c.active(), c.completed(), c.failed(), c.delayed(), c.waiting(), c.paused());
        }
    }

    record QueueStatusLegacyDto(boolean isActive, boolean isPaused) {}

    record QueueResponseLegacyDto(QueueStatisticsDto jobCounts, QueueStatusLegacyDto queueStatus) {
        static QueueResponseLegacyDto of(QueueService.QueueStatus q) {
            return new QueueResponseLegacyDto(QueueStatisticsDto.of(q.counts()), new QueueStatusLegacyDto(q.isActive(), q.isPaused()));
        }
    }

    /** Immich's QueueResponseDto, with Shoebox's concurrency, oldest-waiting age, pauses and load throttle added. */
    record QueueResponseDto(String name, boolean isPaused, QueueStatisticsDto statistics, Integer concurrency,
                            long oldestWaitingSeconds, List<PauseDto> pauses, ThrottleDto throttle) {
        static QueueResponseDto of(QueueService.QueueStatus q) {
            // A queue with no setting of its own runs at each worker's configured concurrency.
            return new QueueResponseDto(q.name(), q.isPaused(), QueueStatisticsDto.of(q.counts()),
                    q.concurrency() < 0 ? null : q.concurrency(), q.oldestWaiting().toSeconds(),
                    q.pauses().stream().map(p -> new PauseDto(p.queue().equals(app.shoebox.jobs.QueueAdmin.ALL_QUEUES) ? "all" : p.queue(),
                            p.holder(), p.expiresAt().orElse(null))).toList(),
                    q.throttle().map(t -> new ThrottleDto(t.fraction(), t.reason(), t.holder(), t.since(), t.expiresAt())).orElse(null));
        }
    }

    /** A load throttle holding the queue: each worker runs this share of its concurrency (0: one job at a time). */
    record ThrottleDto(double fraction, String reason, String holder, Instant since, Instant expiresAt) {}

    /** A pause holding a queue: {@code admin} for a plain pause, or a lease's holder and when it ends. */
    record PauseDto(String queue, String holder, Instant expiresAt) {}

    record RetriedDto(long count) {}

    record QueueCommandDto(String command, Boolean force) {}

    record QueueUpdateDto(Boolean isPaused) {}

    record QueueDeleteDto(Boolean failed) {}

    record PauseLeaseDto(String holder, Integer ttlSeconds) {}

    record PauseLeaseResponseDto(String queue, String holder, int ttlSeconds, Instant expiresAt) {}

    record ConcurrencyDto(Integer concurrency) {}

    /** An attempt's error; paths inside the library are shown relative to it (the server's log has them whole). */
    record JobErrorDto(int attempt, Instant at, String node, String errorClass, String message, String stack) {
        static JobErrorDto of(JobError e, Path library) {
            return new JobErrorDto(e.attempt(), e.at(), e.node(), e.errorClass(), LibraryPaths.relative(library, e.message()),
                    LibraryPaths.relative(library, e.stack()));
        }
    }

    /**
     * Immich's QueueJobResponseDto ({@code id, name, data, timestamp}) with the job's state, the
     * worker node running it, and its errors.
     */
    record QueueJobResponseDto(String id, String name, JsonNode data, long timestamp, String queue, String state,
                               String node, int attempt, Integer maxAttempts, int workerDeaths, List<JobErrorDto> errors) {}

    private final QueueService queues;
    private final ObjectMapper mapper;
    private final Path library;

    public QueueRoutes(QueueService queues, ObjectMapper mapper, Path library) {
        this.queues = queues;
        this.mapper = mapper;
        this.library = library;
    }

    @Override
    public void register(Api api) {
        api.get("/jobs", Access.admin(Permission.JOB_READ), (ctx, user) -> {
            Map<String, QueueResponseLegacyDto> body = new LinkedHashMap<>();
            queues.all().forEach(q -> body.put(q.name(), QueueResponseLegacyDto.of(q)));
            ctx.json(body);
        });
        api.put("/jobs/{name}", Access.admin(Permission.JOB_CREATE), (ctx, user) -> {
            QueueCommandDto dto = body(ctx, QueueCommandDto.class);
            if (dto.command() == null) {
                throw ApiException.badRequest("command is required: start, pause, resume, empty or clear-failed");
            }
            ctx.json(QueueResponseLegacyDto.of(queues.command(ctx.pathParam("name"), dto.command(),
                    Boolean.TRUE.equals(dto.force()))));
        });

        api.get("/queues", Access.admin(Permission.QUEUE_READ), (ctx, user) ->
                ctx.json(queues.all().stream().map(QueueResponseDto::of).toList()));
        api.get("/queues/{name}", Access.admin(Permission.QUEUE_READ), (ctx, user) ->
                ctx.json(QueueResponseDto.of(queues.get(ctx.pathParam("name")))));
        api.put("/queues/{name}", Access.admin(Permission.QUEUE_UPDATE), (ctx, user) -> {
            QueueUpdateDto dto = body(ctx, QueueUpdateDto.class);
            String name = ctx.pathParam("name");
            ctx.json(QueueResponseDto.of(dto.isPaused() == null ? queues.get(name) : queues.setPaused(name, dto.isPaused())));
        });
        api.get("/queues/{name}/jobs", Access.admin(Permission.QUEUE_JOB_READ), (ctx, user) -> {
            int limit = limit(ctx.queryParam("limit"));
            List<JobView> jobs = queues.jobs(ctx.pathParam("name"), ctx.queryParams("status"), limit);
            ctx.json(jobs.stream().map(this::jobDto).toList());
        });
        api.delete("/queues/{name}/jobs", Access.admin(Permission.QUEUE_JOB_DELETE), (ctx, user) -> {
            QueueDeleteDto dto = ctx.body().isBlank() ? new QueueDeleteDto(false) : body(ctx, QueueDeleteDto.class);
            String name = ctx.pathParam("name");
            queues.deleteAll(name, Boolean.TRUE.equals(dto.failed())
                    ? QueueService.Status.FAILED.states : java.util.EnumSet.of(app.shoebox.jobs.JobState.AVAILABLE));
            ctx.status(204);
        });

        // Shoebox extensions (docs/api-extensions.md).
        api.put("/queues/{name}/pause-lease", Access.admin(Permission.QUEUE_UPDATE), (ctx, user) -> {
            PauseLeaseDto dto = body(ctx, PauseLeaseDto.class);
            if (dto.ttlSeconds() == null) {
                throw ApiException.badRequest("ttlSeconds is required (how long the pause lasts unless renewed)");
            }
            queues.pauseLease(ctx.pathParam("name"), dto.holder(), dto.ttlSeconds());
            ctx.json(new PauseLeaseResponseDto(ctx.pathParam("name"), dto.holder(), dto.ttlSeconds(),
                    Instant.now().plusSeconds(dto.ttlSeconds())));
        });
        api.delete("/queues/{name}/pause-lease/{holder}", Access.admin(Permission.QUEUE_UPDATE), (ctx, user) -> {
            if (!queues.releaseLease(ctx.pathParam("name"), ctx.pathParam("holder"))) {
                throw ApiException.notFound("no pause lease held by '" + ctx.pathParam("holder") + "' on "
                        + ctx.pathParam("name"));
            }
            ctx.status(204);
        });
        api.put("/queues/{name}/concurrency", Access.admin(Permission.QUEUE_UPDATE), (ctx, user) -> {
            ConcurrencyDto dto = body(ctx, ConcurrencyDto.class);
            if (dto.concurrency() == null) {
                throw ApiException.badRequest("concurrency is required");
            }
            ctx.json(QueueResponseDto.of(queues.setConcurrency(ctx.pathParam("name"), dto.concurrency())));
        });
        api.post("/queues/{name}/retry-failed", Access.admin(Permission.QUEUE_JOB_UPDATE), (ctx, user) ->
                ctx.json(new RetriedDto(queues.retryFailed(ctx.pathParam("name")))));
        api.post("/queues/{name}/jobs/{id}/retry", Access.admin(Permission.QUEUE_JOB_UPDATE), (ctx, user) -> {
            long id;
            try {
                id = Long.parseLong(ctx.pathParam("id"));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("'" + ctx.pathParam("id") + "' is not a job id");
            }
            if (!queues.retry(id)) {
                throw ApiException.notFound("job " + id + " is not finished or does not exist; only failed, discarded, "
                        + "quarantined, cancelled or completed jobs can be retried");
            }
            ctx.status(204);
        });
    }

    private QueueJobResponseDto jobDto(JobView j) {
        JsonNode data;
        try {
            data = mapper.readTree(j.args());
        } catch (java.io.IOException e) {
            data = mapper.getNodeFactory().textNode(j.args());
        }
        return new QueueJobResponseDto(Long.toString(j.id()), j.kind(), data, j.createdAt().toEpochMilli(), j.queue(),
                j.state().name().toLowerCase(java.util.Locale.ROOT), j.leaseOwner().orElse(null), j.attempt(), j.maxAttempts().orElse(null),
                j.workerDeaths(), j.errors().stream().map(e -> JobErrorDto.of(e, library)).toList());
    }

    private static int limit(String param) {
        if (param == null || param.isBlank()) {
            return 100;
        }
        try {
            int n = Integer.parseInt(param.trim());
            if (n >= 1 && n <= 1000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("limit must be a number between 1 and 1000, got '" + param + "'");
    }

    private static <T> T body(Context ctx, Class<T> type) {
        if (ctx.body().isBlank()) {
            throw ApiException.badRequest(ctx.method() + " " + ctx.path() + " needs a JSON body");
        }
        return ctx.bodyAsClass(type);
    }
}
