package app.shoebox.server.queues;

import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobPage;
import app.shoebox.jobs.JobState;
import app.shoebox.jobs.JobView;
import app.shoebox.jobs.QueueAdmin;
import app.shoebox.jobs.QueueCounts;
import app.shoebox.server.http.ApiException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The job queues as the API shows them: Immich's names and counts, pause and resume, and Shoebox's
 * extensions (pauses held as leases, run-time concurrency, failed jobs with their errors, retry).
 */
public final class QueueService {

    /** Re-runs a queue's step for the assets that lack it ({@code force=false}) or for all. Returns jobs queued. */
    @FunctionalInterface
    public interface QueueStarter {
        long start(boolean force);
    }

    /** A queue's state in the API's terms. */
    public record QueueStatus(String name, boolean isPaused, boolean isActive, int concurrency, Counts counts,
                              Duration oldestWaiting, List<QueueAdmin.Pause> pauses, Optional<QueueAdmin.Throttle> throttle) {}

    public record Counts(long active, long completed, long failed, long delayed, long waiting, long paused) {
        static final Counts ZERO = new Counts(0, 0, 0, 0, 0, 0);
    }

    /** Job states a client may ask for ({@code QueueJobStatus}). */
    public enum Status {
        ACTIVE(EnumSet.of(JobState.RUNNING)),
        /** Could run now, in a queue that is not paused. */
        WAITING(EnumSet.of(JobState.AVAILABLE)),
        /** Waits for its run time (a retry's backoff, a snooze, a scheduled job). */
        DELAYED(EnumSet.of(JobState.AVAILABLE)),
        /** Could run now, but its queue is paused. */
        PAUSED(EnumSet.of(JobState.AVAILABLE)),
        FAILED(EnumSet.of(JobState.FAILED, JobState.DISCARDED, JobState.QUARANTINED)),
        COMPLETED(EnumSet.of(JobState.COMPLETED));

        boolean matches(JobView job, boolean queuePaused, java.time.Instant now) {
            if (!states.contains(job.state())) {
                return false;
            }
            boolean due = !job.runAt().isAfter(now);
            return switch (this) {
                case WAITING -> due && !queuePaused;
                case DELAYED -> !due;
                case PAUSED -> due && queuePaused;
                default -> true;
            };
        }

        final Set<JobState> states;

        Status(Set<JobState> states) {
            this.states = states;
        }

        static Status parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("unknown job status '" + s
                        + "'; use active, waiting, delayed, paused, failed or completed");
            }
        }
    }

    private static final int MAX_LEASE_SECONDS = 24 * 3600;

    private final JobClient jobs;
    private final QueueAdmin admin;
    private final Map<String, QueueStarter> starters;

    public QueueService(JobClient jobs, QueueAdmin admin, Map<String, QueueStarter> starters) {
        this.jobs = jobs;
        this.admin = admin;
        this.starters = Map.copyOf(starters);
    }

    public List<QueueStatus> all() {
        Map<String, QueueCounts> counts = admin.counts().stream()
                .collect(Collectors.toMap(QueueCounts::queue, Function.identity(), (a, b) -> a));
        List<QueueAdmin.Pause> pauses = admin.pauses();
        boolean allPaused = pauses.stream().anyMatch(p -> p.queue().equals(QueueAdmin.ALL_QUEUES));
        List<QueueAdmin.Throttle> throttles = admin.throttles();
        List<QueueStatus> out = new ArrayList<>();
        for (String name : QueueNames.ALL) {
            List<QueueAdmin.Pause> holding = pauses.stream()
                    .filter(p -> p.queue().equals(name) || p.queue().equals(QueueAdmin.ALL_QUEUES)).toList();
            // the tightest throttle that holds the queue, its own or all queues'
            Optional<QueueAdmin.Throttle> throttle = throttles.stream()
                    .filter(t -> t.queue().equals(name) || t.queue().equals(QueueAdmin.ALL_QUEUES))
                    .min(java.util.Comparator.comparingDouble(QueueAdmin.Throttle::fraction));
            out.add(status(name, counts.get(name), allPaused, holding, throttle));
        }
        return out;
    }

    public QueueStatus get(String name) {
        requireKnown(name);
        return all().stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow();
    }

    private QueueStatus status(String name, QueueCounts c, boolean allPaused, List<QueueAdmin.Pause> pauses,
                               Optional<QueueAdmin.Throttle> throttle) {
        if (c == null) {
            // counts() lists every queue with jobs, a setting or a pause of its own, so a queue it
            // leaves out is paused only through a pause of all queues.
            return new QueueStatus(name, allPaused, false, -1, Counts.ZERO, Duration.ZERO, pauses, throttle);
        }
        Counts counts = new Counts(c.active(), c.completed(), c.failed(), c.delayed(), c.waiting(), c.paused());
        return new QueueStatus(name, c.isPaused(), c.active() > 0, c.concurrency(), counts, c.oldestWaiting(), pauses, throttle);
    }

    /** Immich's queue commands: start, pause, resume, empty, clear-failed. */
    public QueueStatus command(String name, String command, boolean force) {
        requireKnown(name);
        switch (command == null ? "" : command) {
            case "pause" -> admin.pause(name);
            case "resume" -> admin.resume(name);
            case "start" -> {
                QueueStarter starter = starters.get(name);
                if (starter != null) {
                    starter.start(force);
                }
            }
            case "empty" -> deleteAll(name, EnumSet.of(JobState.AVAILABLE));
            case "clear-failed" -> deleteAll(name, Status.FAILED.states);
            default -> throw ApiException.badRequest("unknown queue command '" + command
                    + "'; use start, pause, resume, empty or clear-failed");
        }
        return get(name);
    }

    public QueueStatus setPaused(String name, boolean paused) {
        requireKnown(name);
        if (paused) {
            admin.pause(name);
        } else {
            admin.resume(name);
        }
        return get(name);
    }

    /** Takes or renews a pause held by {@code holder} for {@code ttlSeconds}; {@code all} pauses every queue. */
    public void pauseLease(String name, String holder, int ttlSeconds) {
        String queue = leaseQueue(name);
        if (holder == null || holder.isBlank() || holder.length() > 200 || holder.equals(QueueAdmin.ADMIN_HOLDER)) {
            throw ApiException.badRequest("a pause lease needs a holder name of 1 to 200 characters (not 'admin')");
        }
        if (ttlSeconds < 1 || ttlSeconds > MAX_LEASE_SECONDS) {
            throw ApiException.badRequest("ttlSeconds must be between 1 and " + MAX_LEASE_SECONDS + ", got " + ttlSeconds);
        }
        admin.pauseLease(queue, holder, Duration.ofSeconds(ttlSeconds));
    }

    /** Ends {@code holder}'s pause only; false if it held none. */
    public boolean releaseLease(String name, String holder) {
        return admin.releasePause(leaseQueue(name), holder);
    }

    public QueueStatus setConcurrency(String name, int concurrency) {
        requireKnown(name);
        if (concurrency < 0 || concurrency > 1000) {
            throw ApiException.badRequest("concurrency must be between 0 and 1000, got " + concurrency);
        }
        admin.setConcurrency(name, concurrency);
        return get(name);
    }

    /** Jobs of a queue in the given statuses, newest first, at most {@code limit}. */
    public List<JobView> jobs(String name, List<String> statuses, int limit) {
        requireKnown(name);
        Set<Status> wanted = EnumSet.noneOf(Status.class);
        for (String s : statuses.isEmpty() ? List.of("active,waiting,delayed,paused,failed") : statuses) {
            for (String part : s.split(",")) {
                if (!part.isBlank()) {
                    wanted.add(Status.parse(part));
                }
            }
        }
        Set<JobState> states = EnumSet.noneOf(JobState.class);
        wanted.forEach(st -> states.addAll(st.states));
        boolean paused = admin.isPaused(name);
        java.time.Instant now = java.time.Instant.now();
        Map<Long, JobView> found = new LinkedHashMap<>();
        for (JobState state : states) {
            // Waiting, delayed and paused share a stored state; a page of it is filtered below, so a
            // narrow status may show fewer than {@code limit} of a large backlog.
            JobPage page = jobs.list(name, state, limit, OptionalLong.empty());
            page.jobs().stream().filter(j -> wanted.stream().anyMatch(st -> st.matches(j, paused, now)))
                    .forEach(j -> found.put(j.id(), j));
        }
        return found.values().stream().sorted((a, b) -> Long.compare(b.id(), a.id())).limit(limit).toList();
    }

    public boolean retry(long id) {
        return jobs.retry(id);
    }

    /** Puts every failed, discarded and quarantined job of the queue back, a page at a time; returns how many. */
    public long retryFailed(String name) {
        requireKnown(name);
        long retried = 0;
        for (JobState state : Status.FAILED.states) {
            while (true) {
                List<JobView> page = jobs.list(name, state, 1000, OptionalLong.empty()).jobs();
                long before = retried;
                for (JobView j : page) {
                    if (jobs.retry(j.id())) {
                        retried++;
                    }
                }
                if (page.size() < 1000 || retried == before) {
                    break;
                }
            }
        }
        return retried;
    }

    /** Deletes jobs of the given states in a queue (never running ones). */
    public long deleteAll(String name, Set<JobState> states) {
        requireKnown(name);
        return jobs.deleteAll(name, states);
    }

    private static String leaseQueue(String name) {
        if ("all".equals(name)) {
            return QueueAdmin.ALL_QUEUES;
        }
        requireKnown(name);
        return name;
    }

    private static void requireKnown(String name) {
        if (!QueueNames.isKnown(name)) {
            throw ApiException.badRequest("unknown queue '" + name + "'; queues are " + QueueNames.ALL);
        }
    }
}
