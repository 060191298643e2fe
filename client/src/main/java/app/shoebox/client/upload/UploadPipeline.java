package app.shoebox.client.upload;

import app.shoebox.client.api.ApiClient;
import app.shoebox.client.api.ApiException;
import app.shoebox.client.api.Http;
import app.shoebox.client.api.SourceReadException;
import app.shoebox.client.sources.AssetGroup;
import app.shoebox.client.sources.Content;
import app.shoebox.client.sources.Metadata;
import app.shoebox.client.sources.Source;
import app.shoebox.client.sources.SourceAsset;
import app.shoebox.client.state.HashCache;
import app.shoebox.client.state.Journal;
import app.shoebox.client.state.StateWriteException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one upload pipeline every source feeds. Stages, each on virtual threads, joined by bounded
 * queues (so a 100,000-file source never sits in memory whole):
 * <ol>
 * <li>browse: the source hands over groups of files;</li>
 * <li>hash: SHA-1 of each file, from the hash cache when the file is unchanged, else read once;</li>
 * <li>check: {@code bulk-upload-check} in batches (up to {@code checkBatch}), before any byte is sent;
 *     a checksum seen earlier in this run waits for that file's asset instead of being sent twice;</li>
 * <li>upload: what the server lacks, streamed, as many at once as the {@link ConcurrencyLimiter}
 *     allows, retried on transient failures only; then the follow-ups (metadata from sidecars, live
 *     photo link, stack, albums), and the journal records the file as done.</li>
 * </ol>
 * Every file's fate goes out as {@link UploadEvent}s.
 */
public final class UploadPipeline {

    /**
     * @param hashThreads files hashed at once (disk bound)
     * @param checkBatch  checksums per {@code bulk-upload-check} request, at most
     * @param zone        the offset given to capture times that come without one (Takeout's)
     */
    public record Settings(ConcurrencyLimiter.Settings concurrency, ErrorPolicy onErrors, boolean dryRun, boolean syncMetadata,
                           int hashThreads, int checkBatch, ZoneId zone) {
        public Settings {
            if (hashThreads < 1 || checkBatch < 1) {
                throw new IllegalArgumentException("hashThreads and checkBatch must be positive");
            }
        }

        public static Settings defaults() {
            return new Settings(ConcurrencyLimiter.Settings.adaptiveForThisMachine(), ErrorPolicy.CONTINUE, false, false,
                    Math.clamp(Runtime.getRuntime().availableProcessors(), 2, 4), 5000, ZoneId.systemDefault());
        }

        public Settings withConcurrency(ConcurrencyLimiter.Settings c) {
            return new Settings(c, onErrors, dryRun, syncMetadata, hashThreads, checkBatch, zone);
        }

        public Settings withOnErrors(ErrorPolicy p) {
            return new Settings(concurrency, p, dryRun, syncMetadata, hashThreads, checkBatch, zone);
        }

        public Settings withDryRun(boolean d) {
            return new Settings(concurrency, onErrors, d, syncMetadata, hashThreads, checkBatch, zone);
        }

        public Settings withSyncMetadata(boolean s) {
            return new Settings(concurrency, onErrors, dryRun, s, hashThreads, checkBatch, zone);
        }

        public Settings withZone(ZoneId z) {
            return new Settings(concurrency, onErrors, dryRun, syncMetadata, hashThreads, checkBatch, z);
        }
    }

    /**
     * How a run ended. {@code filesRead} counts files opened (to hash or to send): zero on a re-run
     * over unchanged files. {@code stopReason} is set when the run stopped before the end.
     */
    public record Result(Tally.Counts counts, Optional<String> stopReason, long filesRead, long bytesRead, Duration elapsed) {
        public boolean complete() {
            return stopReason.isEmpty() && counts.unprocessed() == 0;
        }
    }

    private enum Verdict { ACCEPT, ON_SERVER, SAME_AS, UNSUPPORTED }

    /** One file on its way through the stages. */
    private static final class Item {
        final SourceAsset asset;
        final String id;
        String sha1Hex;
        Optional<Journal.Entry> journal = Optional.empty();
        Verdict verdict;
        String serverAssetId;
        boolean trashed;
        FirstOfChecksum first;
        CompletableFuture<String> own;
        volatile String assetId;
        volatile boolean created;
        volatile boolean inRunDuplicate;
        volatile boolean failed;
        volatile boolean linkedAtUpload;
        volatile boolean clean = true;

        Item(SourceAsset asset, String id) {
            this.asset = asset;
            this.id = id;
        }

        /** An earlier run sent this file and stopped before finishing with it. */
        boolean resumed() {
            return journal.map(j -> j.state() != Journal.State.DONE).orElse(false);
        }

        /** Follow-ups this run owes the file: it was created now, or by a run that stopped before finishing it. */
        boolean owesFollowUps() {
            return created || resumed();
        }
    }

    private record FirstOfChecksum(String path, CompletableFuture<String> assetId) {
    }

    private record Work(AssetGroup group, List<Item> items) {
    }

    private static final Object END = new Object();
    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
    private static final HexFormat HEX = HexFormat.of();
    private static final int NETWORK_FAILURES_TO_GIVE_UP = 3;

    private final ApiClient api;
    private final Settings settings;
    private final HashCache hashes;
    private final Journal journal;
    private final Tally tally = new Tally();
    private final UploadListener events;
    private final ConcurrencyLimiter limiter;
    private final AlbumBook albums;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile String stopReason;
    private final LongAdder filesRead = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicInteger networkFailuresInARow = new AtomicInteger();
    private final AtomicInteger sequence = new AtomicInteger();
    private final AtomicInteger hashersLeft;
    private final Map<String, FirstOfChecksum> seen = new ConcurrentHashMap<>();
    /** Assets compared by {@code --sync-metadata} in this run: two files with the same bytes are one asset, compared once. */
    private final Set<String> synced = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<Object> toHash = new ArrayBlockingQueue<>(512);
    private final BlockingQueue<Object> toCheck = new ArrayBlockingQueue<>(4096);
    private final BlockingQueue<Object> toUpload = new ArrayBlockingQueue<>(1024);
    private final List<Future<?>> stageFutures = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile RuntimeException stageFailure;

    public UploadPipeline(ApiClient api, Settings settings, HashCache hashes, Journal journal, UploadListener listener) {
        this.api = api;
        this.settings = settings;
        this.hashes = hashes;
        this.journal = settings.dryRun() ? Journal.none() : journal;
        this.events = UploadListener.all(tally, listener);
        this.limiter = new ConcurrencyLimiter(settings.concurrency(),
                (limit, why) -> events.on(new UploadEvent.Concurrency(limit, why)));
        this.albums = new AlbumBook(api, settings.dryRun(), events);
        this.hashersLeft = new AtomicInteger(settings.hashThreads());
        api.http().observe(new Http.Observer() {
            @Override
            public void overloaded(String request, int status) {
                limiter.overloaded("the server answered " + status + " to " + request);
            }

            @Override
            public void retrying(String request, int failedAttempt, String reason, Duration delay) {
                events.on(new UploadEvent.Retrying(request, failedAttempt, reason, delay));
            }
        });
    }

    public Tally tally() {
        return tally;
    }

    public ConcurrencyLimiter limiter() {
        return limiter;
    }

    public long filesRead() {
        return filesRead.sum();
    }

    public long bytesSent() {
        return api.bytesSent();
    }

    public boolean stopping() {
        return stopping.get();
    }

    /** Stops taking new files; those already being sent finish. Safe from any thread (Ctrl-C). */
    public void stop(String reason) {
        if (stopping.compareAndSet(false, true)) {
            stopReason = reason;
        }
    }

    /** Runs the source through the pipeline; returns when every file it offered is handled or the run stopped. */
    public Result run(Source source) throws InterruptedException {
        long start = System.nanoTime();
        try (ExecutorService stages = Executors.newVirtualThreadPerTaskExecutor()) {
            stageFutures.add(stages.submit(() -> guarded("browse", () -> browse(source))));
            for (int i = 0; i < settings.hashThreads(); i++) {
                stageFutures.add(stages.submit(() -> guarded("hash", this::hashLoop)));
            }
            stageFutures.add(stages.submit(() -> guarded("check", this::checkLoop)));
            stageFutures.add(stages.submit(() -> guarded("upload", this::uploadLoop)));
            AtomicBoolean finished = new AtomicBoolean();
            Future<?> flusher = stages.submit(() -> {
                while (!finished.get()) {
                    try {
                        Thread.sleep(2000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    albums.flushAll();
                    journal.sync();
                }
            });
            for (Future<?> f : stageFutures) {
                try {
                    f.get();
                } catch (ExecutionException | CancellationException e) {
                    // the stage's failure is in stageFailure; the others were cancelled
                }
            }
            finished.set(true);
            flusher.cancel(true);
        } finally {
            albums.flushAll();
            journal.sync();
        }
        RuntimeException failure = stageFailure;
        if (failure != null) {
            throw new IllegalStateException("the upload pipeline failed: " + failure, failure);
        }
        return new Result(tally.counts(), Optional.ofNullable(stopReason), filesRead.sum(), bytesRead.sum(),
                Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * A stage that fails (a bug) stops the run and cancels the other stages, which may be waiting
     * on a queue the failed stage no longer serves.
     */
    private void guarded(String stage, StageBody body) {
        try {
            body.run();
        } catch (InterruptedException | CancellationException e) {
            stop("interrupted");
        } catch (StateWriteException e) {
            stop(e.getMessage());
        } catch (RuntimeException e) {
            stop("internal error in the " + stage + " stage: " + e);
            stageFailure = e;
            stageFutures.forEach(f -> f.cancel(true));
        }
    }

    @FunctionalInterface
    private interface StageBody {
        void run() throws InterruptedException;
    }

    // ---- browse -------------------------------------------------------------------------------

    private void browse(Source source) throws InterruptedException {
        Source.Sink sink = new Source.Sink() {
            @Override
            public void group(AssetGroup group) throws InterruptedException {
                if (stopping.get()) {
                    return;
                }
                List<Item> items = new ArrayList<>(group.members().size());
                for (SourceAsset a : group.members()) {
                    Item it = new Item(a, Integer.toString(sequence.incrementAndGet()));
                    events.on(new UploadEvent.Found(a.path(), a.size()));
                    a.notes().forEach(n -> events.on(new UploadEvent.Warning(a.path(), n)));
                    items.add(it);
                }
                put(toHash, new Work(group, items));
            }

            @Override
            public void skipped(String path, long size, String reason) {
                events.on(new UploadEvent.Found(path, size));
                events.on(new UploadEvent.Skipped(path, size, reason));
            }

            @Override
            public void failed(String path, String reason) {
                events.on(new UploadEvent.Found(path, 0));
                countFailure(path, 0, reason);
            }

            @Override
            public void note(String path, String message) {
                events.on(new UploadEvent.Note(path, message));
            }

            @Override
            public boolean stopping() {
                return stopping.get();
            }
        };
        try {
            source.browse(sink);
        } catch (IOException e) {
            stop("cannot read " + source.describe() + ": " + e.getMessage());
        } finally {
            for (int i = 0; i < settings.hashThreads(); i++) {
                putEnd(toHash);
            }
        }
    }

    // ---- hash ---------------------------------------------------------------------------------

    private void hashLoop() throws InterruptedException {
        try {
            while (true) {
                Object o = toHash.take();
                if (o == END) {
                    return;
                }
                Work w = (Work) o;
                if (stopping.get()) {
                    continue;
                }
                for (Item it : w.items()) {
                    it.journal = journal.get(it.asset.key());
                    Optional<byte[]> cached = hashes.get(it.asset.key());
                    if (cached.isPresent()) {
                        it.sha1Hex = HEX.formatHex(cached.get());
                        continue;
                    }
                    try {
                        byte[] sha1 = sha1(it.asset);
                        hashes.put(it.asset.key(), sha1);
                        it.sha1Hex = HEX.formatHex(sha1);
                    } catch (IOException e) {
                        fail(it, "cannot read: " + message(e));
                    }
                }
                put(toCheck, w);
            }
        } finally {
            if (hashersLeft.decrementAndGet() == 0) {
                putEnd(toCheck);
            }
        }
    }

    private byte[] sha1(SourceAsset a) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long n = 0;
        try (InputStream in = counted(a.content()).open()) {
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) > 0) {
                md.update(buf, 0, r);
                n += r;
            }
        }
        if (n != a.size()) {
            throw new IOException("read " + n + " bytes where " + a.size() + " were expected (the file changed while being read)");
        }
        return md.digest();
    }

    // ---- check --------------------------------------------------------------------------------

    /**
     * Up to {@code CHECKS_AT_ONCE} {@code bulk-upload-check} requests in flight: a batch of 5,000
     * takes the server a few hundred milliseconds, and a no-op re-run over 100,000 files is twenty
     * of them.
     */
    private static final int CHECKS_AT_ONCE = 3;

    private void checkLoop() throws InterruptedException {
        Semaphore inFlight = new Semaphore(CHECKS_AT_ONCE);
        try (ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor()) {
            boolean end = false;
            while (!end) {
                Object o = toCheck.take();
                List<Work> batch = new ArrayList<>();
                int n = 0;
                if (o == END) {
                    end = true;
                } else {
                    batch.add((Work) o);
                    n += ((Work) o).items().size();
                }
                while (!end && n < settings.checkBatch()) {
                    Object more = toCheck.poll(100, TimeUnit.MILLISECONDS);
                    if (more == null) {
                        break;
                    }
                    if (more == END) {
                        end = true;
                    } else {
                        batch.add((Work) more);
                        n += ((Work) more).items().size();
                    }
                }
                if (!batch.isEmpty() && !stopping.get()) {
                    inFlight.acquire();
                    checks.submit(() -> {
                        try {
                            check(batch);
                            for (Work w : batch) {
                                put(toUpload, w);
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } catch (RuntimeException e) {
                            stop("internal error while checking files with the server: " + e);
                        } finally {
                            inFlight.release();
                        }
                        return null;
                    });
                }
            }
        } finally {
            putEnd(toUpload);
        }
    }

    private void check(List<Work> batch) {
        List<Item> items = new ArrayList<>();
        for (Work w : batch) {
            for (Item it : w.items()) {
                if (!it.failed) {
                    items.add(it);
                }
            }
        }
        Map<String, ApiClient.CheckResult> results = new HashMap<>();
        for (int from = 0; from < items.size(); from += settings.checkBatch()) {
            List<ApiClient.CheckItem> chunk = items.subList(from, Math.min(items.size(), from + settings.checkBatch())).stream()
                    .map(it -> new ApiClient.CheckItem(it.id, it.sha1Hex)).toList();
            try {
                api.bulkCheck(chunk).forEach(r -> results.put(r.id(), r));
            } catch (ApiException e) {
                stop("cannot check files with the server: " + e.getMessage() + "; run again to resume");
                return;
            }
        }
        for (Item it : items) {
            ApiClient.CheckResult r = results.get(it.id);
            if (r != null && !r.accept()) {
                if (r.assetId().isPresent()) {
                    it.verdict = Verdict.ON_SERVER;
                    it.serverAssetId = r.assetId().get();
                    it.trashed = r.isTrashed();
                } else {
                    it.verdict = Verdict.UNSUPPORTED;
                }
                continue;
            }
            FirstOfChecksum mine = new FirstOfChecksum(it.asset.path(), new CompletableFuture<>());
            FirstOfChecksum earlier = seen.putIfAbsent(it.sha1Hex, mine);
            if (earlier == null) {
                it.verdict = Verdict.ACCEPT;
                it.own = mine.assetId();
            } else {
                it.verdict = Verdict.SAME_AS;
                it.first = earlier;
            }
        }
    }

    // ---- upload and follow-ups ----------------------------------------------------------------

    private void uploadLoop() throws InterruptedException {
        int slots = settings.concurrency().max() * 4;
        Semaphore inFlight = new Semaphore(slots);
        Map<String, Lane> lanes = new HashMap<>();
        try (ExecutorService groups = Executors.newVirtualThreadPerTaskExecutor()) {
            while (true) {
                Object o = toUpload.take();
                if (o == END) {
                    break;
                }
                Work w = (Work) o;
                if (stopping.get()) {
                    continue;
                }
                if (settled(w)) {
                    // Nothing to send and nothing owed (the no-op re-run's every file): handled here, no thread.
                    process(w);
                    continue;
                }
                Optional<String> lane = w.group().lane();
                if (lane.isPresent()) {
                    lanes.computeIfAbsent(lane.get(), k -> new Lane(groups)).submit(w);
                } else {
                    inFlight.acquire();
                    groups.submit(() -> {
                        try {
                            process(w);
                        } finally {
                            inFlight.release();
                        }
                    });
                }
            }
            for (Lane l : lanes.values()) {
                l.end();
            }
        }
    }

    /**
     * A group the server already has whole, that an earlier run finished (journal: done), with no
     * metadata to compare: processing it sends nothing and takes no time.
     */
    private boolean settled(Work w) {
        if (settings.syncMetadata()) {
            return false;
        }
        for (Item it : w.items()) {
            if (!it.failed && (it.verdict != Verdict.ON_SERVER
                    || !it.journal.map(j -> j.state() == Journal.State.DONE).orElse(false))) {
                return false;
            }
        }
        return true;
    }

    /** Groups that must go one at a time, in order (members of one compressed tar). */
    private final class Lane {
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(64);

        Lane(ExecutorService groups) {
            groups.submit(() -> {
                try {
                    while (true) {
                        Object o = queue.take();
                        if (o == END) {
                            return;
                        }
                        if (!stopping.get()) {
                            process((Work) o);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }

        void submit(Work w) throws InterruptedException {
            queue.put(w);
        }

        void end() throws InterruptedException {
            queue.put(END);
        }
    }

    private void process(Work w) {
        try {
            List<Item> items = w.items();
            if (w.group().kind() == AssetGroup.Kind.LIVE_PHOTO) {
                Item still = items.get(0);
                Item motion = items.get(1);
                resolve(motion, Optional.empty());
                resolve(still, Optional.ofNullable(motion.assetId));
            } else {
                for (Item it : items) {
                    resolve(it, Optional.empty());
                }
            }
            followUps(w);
        } catch (RuntimeException e) {
            // A bug must not stop the run nor vanish: each file of the group says what happened to it.
            String why = e instanceof StateWriteException ? e.getMessage() : "internal error: " + e;
            if (e instanceof StateWriteException) {
                stop(why);
            }
            for (Item it : w.items()) {
                if (it.assetId == null && !it.failed) {
                    fail(it, why);
                } else if (it.assetId != null) {
                    warn(it, "uploaded, but its follow-ups hit an internal error: " + e + " (the next run tries again)");
                }
            }
        }
    }

    private void resolve(Item it, Optional<String> livePhotoVideoId) {
        if (it.failed) {
            return;
        }
        switch (it.verdict) {
            case ON_SERVER -> {
                it.assetId = it.serverAssetId;
                String reason = it.journal.map(j -> j.state() == Journal.State.DONE).orElse(false) ? "uploaded by an earlier run"
                        : it.resumed() ? "uploaded by an interrupted run; finishing it"
                        : it.trashed ? "already on the server (in its trash)" : "already on the server";
                events.on(new UploadEvent.Duplicate(it.asset.path(), it.assetId, it.asset.size(), reason));
            }
            case UNSUPPORTED -> events.on(new UploadEvent.Skipped(it.asset.path(), it.asset.size(),
                    "the server does not accept this file type"));
            case SAME_AS -> {
                String id = await(it.first.assetId());
                if (id == null) {
                    // The first file with these bytes failed: this one tries on its own.
                    it.own = new CompletableFuture<>();
                    upload(it, livePhotoVideoId);
                } else {
                    it.assetId = id.isEmpty() ? null : id;
                    it.inRunDuplicate = true;
                    events.on(new UploadEvent.Duplicate(it.asset.path(), id, it.asset.size(), "same content as " + it.first.path()));
                }
            }
            case ACCEPT -> upload(it, livePhotoVideoId);
            case null -> fail(it, "internal error: the file was never checked");
        }
    }

    private void upload(Item it, Optional<String> livePhotoVideoId) {
        SourceAsset a = it.asset;
        if (settings.dryRun()) {
            events.on(new UploadEvent.Uploaded(a.path(), "", a.size()));
            it.own.complete("");
            return;
        }
        Metadata m = a.metadata();
        Instant created = m.takenAt().orElse(a.modifiedAt());
        ApiClient.UploadRequest request = new ApiClient.UploadRequest(
                new ApiClient.FileBytes(a.fileName(), a.size(), a.path(), () -> counted(a.content()).open()), it.sha1Hex,
                offset(created), offset(a.modifiedAt()), m.favorite().orElse(false), m.archived().orElse(false),
                livePhotoVideoId,
                a.xmp().map(x -> new ApiClient.FileBytes(x.fileName(), x.size(), x.path(), () -> x.content().open())));
        try {
            limiter.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            it.own.complete(null);
            return;
        }
        if (stopping.get()) {
            // Stopping: only uploads already sending finish; this one is left for the next run (unprocessed).
            limiter.release();
            it.own.complete(null);
            return;
        }
        ApiClient.UploadResult r;
        try {
            journal.sending(a.key());
            r = api.upload(request);
            limiter.success(r.serverNanos());
            networkFailuresInARow.set(0);
        } catch (ApiException e) {
            if (e.status() == 0 && networkFailuresInARow.incrementAndGet() >= NETWORK_FAILURES_TO_GIVE_UP) {
                stop("the server stopped answering (" + e.serverMessage() + "); run again to resume where this run stopped");
            }
            fail(it, e.getMessage());
            return;
        } catch (SourceReadException e) {
            fail(it, e.getMessage());
            return;
        } catch (CancellationException e) {
            fail(it, "interrupted while uploading");
            return;
        } finally {
            limiter.release();
        }
        it.assetId = r.assetId();
        it.created = r.created();
        it.linkedAtUpload = livePhotoVideoId.isPresent();
        if (r.created()) {
            journal.uploaded(a.key(), r.assetId());
            events.on(new UploadEvent.Uploaded(a.path(), r.assetId(), a.size()));
        } else {
            events.on(new UploadEvent.Duplicate(a.path(), r.assetId(), a.size(), "already on the server"));
        }
        it.own.complete(r.assetId());
    }

    private void followUps(Work w) {
        List<Item> items = w.items();
        if (settings.dryRun()) {
            for (Item it : items) {
                if (it.assetId != null && settings.syncMetadata()) {
                    sync(it);
                }
            }
            return;
        }
        if (w.group().kind() == AssetGroup.Kind.LIVE_PHOTO) {
            Item still = items.get(0);
            Item motion = items.get(1);
            if (still.assetId != null && motion.assetId != null && !still.linkedAtUpload
                    && (motion.created || still.owesFollowUps() || motion.resumed())) {
                step(still, "linked to its motion part", () -> api.updateAsset(still.assetId, Map.of("livePhotoVideoId", motion.assetId)));
            } else if (still.assetId != null && motion.failed) {
                warn(still, "uploaded without its motion part, which failed");
            }
        }
        for (Item it : items) {
            if (it.assetId == null) {
                continue;
            }
            if (it.owesFollowUps() && it.asset.metadata().appliedByUploader()) {
                applyMetadata(it);
            } else if (settings.syncMetadata() && !it.owesFollowUps()) {
                sync(it);
            }
        }
        if (w.group().kind() == AssetGroup.Kind.STACK) {
            boolean owed = items.stream().anyMatch(Item::owesFollowUps);
            List<String> ids = items.stream().map(i -> i.assetId).filter(id -> id != null).distinct().toList();
            if (owed && ids.size() >= 2) {
                Item cover = items.getFirst();
                step(cover, "stacked", () -> {
                    api.createStack(ids);
                    events.on(new UploadEvent.Stacked(items.stream().map(i -> i.asset.path()).toList()));
                });
            }
        }
        for (Item it : items) {
            if (it.assetId == null) {
                continue;
            }
            Set<String> wanted = it.asset.albums();
            boolean owed = it.owesFollowUps() || it.inRunDuplicate;
            Set<String> toAdd = new LinkedHashSet<>();
            if (owed) {
                toAdd.addAll(wanted);
            } else if (settings.syncMetadata() && !wanted.isEmpty()) {
                try {
                    toAdd.addAll(wanted);
                    toAdd.removeAll(albums.albumsOf(it.assetId));
                } catch (ApiException e) {
                    warn(it, "its albums could not be compared: " + e.getMessage());
                    toAdd.clear();
                }
            }
            finishAfterAlbums(it, toAdd);
        }
    }

    /** Adds to albums; the journal marks the file done once every add is on the server. */
    private void finishAfterAlbums(Item it, Set<String> toAdd) {
        if (toAdd.isEmpty()) {
            done(it);
            return;
        }
        AtomicInteger left = new AtomicInteger(toAdd.size());
        for (String album : toAdd) {
            albums.add(album, it.assetId, error -> {
                error.ifPresent(msg -> warn(it, msg));
                if (left.decrementAndGet() == 0) {
                    done(it);
                }
            });
        }
    }

    private void done(Item it) {
        if (it.clean && it.assetId != null && !it.assetId.isEmpty()) {
            journal.done(it.asset.key(), it.assetId);
        }
    }

    /** The Takeout's date, GPS and description, set after the upload (the server cannot read them). */
    private void applyMetadata(Item it) {
        Metadata m = it.asset.metadata();
        Map<String, Object> body = new LinkedHashMap<>();
        m.takenAt().ifPresent(t -> body.put("dateTimeOriginal", ISO.format(offset(t))));
        m.gps().ifPresent(g -> {
            body.put("latitude", g.latitude());
            body.put("longitude", g.longitude());
        });
        m.description().ifPresent(d -> body.put("description", d));
        if (!body.isEmpty()) {
            step(it, "metadata set", () -> {
                api.updateAsset(it.assetId, body);
                events.on(new UploadEvent.MetadataUpdated(it.asset.path(), it.assetId, fields(body)));
            });
        }
    }

    /** {@code --sync-metadata}: sends only what differs from what the server has. */
    private void sync(Item it) {
        Metadata m = it.asset.metadata();
        if (m.fields().isEmpty() || it.assetId == null || it.assetId.isEmpty() || !synced.add(it.assetId)) {
            return;
        }
        ApiClient.AssetInfo a;
        try {
            a = api.asset(it.assetId);
        } catch (ApiException e) {
            warn(it, "its metadata could not be compared: " + e.getMessage());
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        m.takenAt().ifPresent(t -> {
            Optional<Instant> has = a.dateTimeOriginal().or(a::fileCreatedAt);
            if (has.isEmpty() || Math.abs(Duration.between(has.get(), t).toMillis()) >= 1000) {
                body.put("dateTimeOriginal", ISO.format(offset(t)));
            }
        });
        m.gps().ifPresent(g -> {
            if (a.latitude().isEmpty() || a.longitude().isEmpty() || !g.near(a.latitude().get(), a.longitude().get())) {
                body.put("latitude", g.latitude());
                body.put("longitude", g.longitude());
            }
        });
        m.description().ifPresent(d -> {
            if (!d.equals(a.description())) {
                body.put("description", d);
            }
        });
        m.favorite().ifPresent(f -> {
            if (f != a.favorite()) {
                body.put("isFavorite", f);
            }
        });
        m.archived().ifPresent(x -> {
            if (x != a.archived()) {
                body.put("visibility", x ? "archive" : "timeline");
            }
        });
        if (body.isEmpty()) {
            return;
        }
        if (settings.dryRun()) {
            events.on(new UploadEvent.MetadataUpdated(it.asset.path(), it.assetId, fields(body)));
            return;
        }
        step(it, "metadata synced", () -> {
            api.updateAsset(it.assetId, body);
            events.on(new UploadEvent.MetadataUpdated(it.asset.path(), it.assetId, fields(body)));
        });
    }

    private static List<String> fields(Map<String, Object> body) {
        List<String> f = new ArrayList<>(body.keySet());
        f.remove("longitude");
        f.replaceAll(k -> k.equals("latitude") ? "GPS" : k);
        return f;
    }

    /** A follow-up that may fail without failing the upload: reported, and left for the next run. */
    private void step(Item it, String what, Runnable call) {
        try {
            call.run();
        } catch (ApiException e) {
            warn(it, "uploaded, but not " + what + ": " + e.getMessage() + " (the next run tries again)");
        }
    }

    private void warn(Item it, String message) {
        it.clean = false;
        events.on(new UploadEvent.Warning(it.asset.path(), message));
    }

    private void fail(Item it, String reason) {
        it.failed = true;
        if (it.own != null) {
            it.own.complete(null);
        }
        countFailure(it.asset.path(), it.asset.size(), reason);
    }

    private void countFailure(String path, long size, String reason) {
        events.on(new UploadEvent.Failed(path, size, reason));
        long n = failures.incrementAndGet();
        if (n >= settings.onErrors().stopAfter()) {
            stop(n == 1 ? "stopped at the first failed file (--on-errors stop)" : "stopped after " + n + " failed files (--on-errors "
                    + settings.onErrors() + ")");
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private OffsetDateTime offset(Instant t) {
        return t.atZone(settings.zone()).toOffsetDateTime();
    }

    private static String await(CompletableFuture<String> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            return null;
        }
    }

    /** A content whose opens and bytes are counted: the proof that a re-run reads nothing. */
    private Content counted(Content c) {
        return () -> {
            InputStream in = c.open();
            filesRead.increment();
            return new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        bytesRead.increment();
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        bytesRead.add(n);
                    }
                    return n;
                }
            };
        };
    }

    private void put(BlockingQueue<Object> q, Object o) throws InterruptedException {
        q.put(o);
    }

    private static void putEnd(BlockingQueue<Object> q) {
        boolean interrupted = Thread.interrupted();
        while (true) {
            try {
                q.put(END);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static String message(Exception e) {
        return SourceReadException.reason(e);
    }
}
