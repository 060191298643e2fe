package app.shoebox.client.queues;

import app.shoebox.client.api.ApiClient;
import app.shoebox.client.api.ApiException;
import app.shoebox.client.api.ServerInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * Pauses the server's heavy background queues for an upload, the right way for each server kind,
 * and resumes what an earlier, killed upload left paused.
 */
public final class QueuePauser {

    /**
     * The queues whose work competes with uploads for CPU, disk and database: metadata, thumbnails,
     * video, the machine-learning ones, duplicates, sidecars and storage-template moves. Never the
     * server's own housekeeping ({@code backgroundTask}, {@code notifications},
     * {@code backupDatabase}, ...): those are light, and a queue the user cannot see paused in the
     * web UI must never stay paused.
     */
    public static final List<String> HEAVY = List.of("metadataExtraction", "thumbnailGeneration", "videoConversion",
            "smartSearch", "faceDetection", "facialRecognition", "ocr", "duplicateDetection", "sidecar",
            "storageTemplateMigration");

    /**
     * @param holder     who holds Shoebox leases, e.g. {@code shoebox-upload@laptop-4242}
     * @param ttlSeconds how long a lease lasts unless renewed
     */
    public record Settings(boolean enabled, String holder, int ttlSeconds) {
        public Settings {
            if (ttlSeconds < 3 || ttlSeconds > 86400) {
                throw new IllegalArgumentException("the pause lease's time to live must be 3 to 86400 seconds, got " + ttlSeconds);
            }
        }
    }

    private final ApiClient api;
    private final Path stateDir;
    private final String serverKey;
    private final Consumer<String> log;

    /** {@code stateDir}: where records of Immich pauses live; {@code serverKey} names this server and user there. */
    public QueuePauser(ApiClient api, Path stateDir, String serverKey, Consumer<String> log) {
        this.api = api;
        this.stateDir = stateDir;
        this.serverKey = serverKey;
        this.log = log;
    }

    /** A holder name that says who and where: {@code shoebox-upload@<host>-<pid>}. */
    public static String holderName() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = Files.readString(Path.of("/etc/hostname")).strip();
            } catch (Exception e) {
                host = "localhost";
            }
        }
        return "shoebox-upload@" + host.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + ProcessHandle.current().pid();
    }

    /**
     * Resumes the queues an earlier upload paused on this server and did not live to resume.
     * Runs whether or not this run pauses. Returns the queues resumed.
     */
    public List<String> recoverLeftOver() {
        Optional<PauseRecord> rec = PauseRecord.lock(stateDir, serverKey);
        if (rec.isEmpty()) {
            return List.of();
        }
        PauseRecord r = rec.get();
        try {
            List<String> left = r.leftOver();
            if (left.isEmpty()) {
                return List.of();
            }
            if (!api.info().user().isAdmin()) {
                log.accept("an earlier upload left " + String.join(", ", left)
                        + " paused on this server; resuming them needs an admin's API key");
                return List.of();
            }
            List<String> resumed = new ArrayList<>();
            for (String q : left) {
                try {
                    api.setPaused(q, false);
                    resumed.add(q);
                } catch (ApiException e) {
                    log.accept("could not resume " + q + ", left paused by an earlier upload: " + e.getMessage());
                }
            }
            if (resumed.size() == left.size()) {
                r.delete();
            }
            log.accept("resumed " + String.join(", ", resumed) + ", left paused by an earlier upload that was stopped");
            return resumed;
        } finally {
            r.unlock();
        }
    }

    /** Pauses the heavy queues; never fails the upload (anything that goes wrong is a {@link QueuePause.None}). */
    public QueuePause pause(Settings settings) {
        if (!settings.enabled()) {
            return new QueuePause.None("--pause-jobs=false");
        }
        ServerInfo info = api.info();
        if (!info.user().isAdmin()) {
            return new QueuePause.None("the API key belongs to " + info.user().email()
                    + ", who is not an admin (give an admin's key to pause, or --pause-jobs=false to silence this)");
        }
        List<ApiClient.QueueState> states;
        try {
            states = api.queues();
        } catch (ApiException e) {
            return new QueuePause.None("the server did not list its queues: " + e.getMessage());
        }
        Set<String> present = new java.util.HashSet<>();
        states.forEach(q -> present.add(q.name()));
        List<String> heavy = HEAVY.stream().filter(present::contains).toList();
        if (info.pauseLeases()) {
            Optional<QueuePause> leases = leases(heavy, settings);
            if (leases.isPresent()) {
                return leases.get();
            }
        }
        return recorded(states, settings);
    }

    /** Runs {@code action} for every queue at once (a dozen requests, each waiting on the network). */
    static void eachAtOnce(List<String> queues, java.util.function.Consumer<String> action) {
        try (var all = Executors.newVirtualThreadPerTaskExecutor()) {
            queues.forEach(q -> all.submit(() -> action.accept(q)));
        }
    }

    private Optional<QueuePause> leases(List<String> heavy, Settings settings) {
        // The first lease tells whether the server has leases at all; the rest are taken together.
        try {
            api.takeLease(heavy.getFirst(), settings.holder(), settings.ttlSeconds());
        } catch (ApiException e) {
            if (e.isNotFound()) {
                log.accept("the server has no pause leases; pausing the way Immich does");
                return Optional.empty();
            }
            return Optional.of(new QueuePause.None("could not pause " + heavy.getFirst() + ": " + e.getMessage()));
        } catch (java.util.NoSuchElementException e) {
            return Optional.of(new QueuePause.None("the server lists none of the heavy queues"));
        }
        List<String> taken = java.util.Collections.synchronizedList(new ArrayList<>(List.of(heavy.getFirst())));
        java.util.concurrent.atomic.AtomicReference<String> failure = new java.util.concurrent.atomic.AtomicReference<>();
        eachAtOnce(heavy.subList(1, heavy.size()), q -> {
            try {
                api.takeLease(q, settings.holder(), settings.ttlSeconds());
                taken.add(q);
            } catch (ApiException e) {
                failure.compareAndSet(null, "could not pause " + q + ": " + e.getMessage());
            }
        });
        if (failure.get() != null) {
            eachAtOnce(List.copyOf(taken), t -> {
                try {
                    api.releaseLease(t, settings.holder());
                } catch (RuntimeException ignored) {
                    // expires by itself
                }
            });
            return Optional.of(new QueuePause.None(failure.get()));
        }
        taken.sort(java.util.Comparator.comparingInt(HEAVY::indexOf));
        ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("pause-lease-renewer").unstarted(r));
        return Optional.of(new QueuePause.Leases(api, taken, settings.holder(), settings.ttlSeconds(), renewer, log));
    }

    private QueuePause recorded(List<ApiClient.QueueState> states, Settings settings) {
        Optional<PauseRecord> rec = PauseRecord.lock(stateDir, serverKey);
        if (rec.isEmpty()) {
            return new QueuePause.None("another upload on this machine already holds this server's queues paused");
        }
        PauseRecord r = rec.get();
        // Only queues that are running now: one paused by someone else stays theirs to resume.
        List<String> toPause = states.stream().filter(q -> HEAVY.contains(q.name()) && !q.isPaused())
                .map(ApiClient.QueueState::name).sorted(java.util.Comparator.comparingInt(HEAVY::indexOf)).toList();
        List<String> alreadyPaused = states.stream().filter(q -> HEAVY.contains(q.name()) && q.isPaused())
                .map(ApiClient.QueueState::name).toList();
        if (!alreadyPaused.isEmpty()) {
            log.accept("leaving " + String.join(", ", alreadyPaused) + " as they are: already paused by someone else");
        }
        r.write(toPause);
        List<String> paused = new ArrayList<>();
        for (String q : toPause) {
            try {
                api.setPaused(q, true);
                paused.add(q);
            } catch (ApiException e) {
                QueuePause.Recorded partial = new QueuePause.Recorded(api, r, paused, log);
                partial.close();
                return new QueuePause.None("could not pause " + q + ": " + e.getMessage());
            }
        }
        return new QueuePause.Recorded(api, r, paused, log);
    }
}
