package app.shoebox.jobs;

import org.postgresql.PGConnection;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Every statement the engine runs, in one place (River's "driver"): services and clients never
 * build SQL. Each method runs on the connection it is given and neither commits nor closes it.
 * Every statement that changes a running job is fenced on {@code attempt} and {@code lease_owner}.
 */
final class JobStore {

    /**
     * Batched claims and completions join up to a thousand ids to the job table. Estimating a
     * thousand primary-key lookups dearer than one sequential scan, the planner sometimes scans the
     * whole table (or walks a partial index full of dead entries) per batch: measured, a 100k
     * burn-down once took 52 s instead of 2. The lookups are always what is wanted, so the batch
     * statements forbid the alternatives for their own transaction.
     */
    static final String PLAN_GUARD =
            "SET LOCAL enable_seqscan = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; ";

    static final String UNIQUE_CONFLICT =
            "ON CONFLICT (kind, unique_key) WHERE unique_key IS NOT NULL AND state IN ('available', 'running') DO NOTHING";

    private final JobSchema schema;
    private final InsertNotifier notifier = new InsertNotifier();
    private final String job;
    private final String insertOne;
    private final String insertMany;
    private final String claim;
    private final String claimAsync;
    private final String completeMany;
    private final String settle;

    JobStore(JobSchema schema) {
        this.schema = schema;
        this.job = schema.table("job");
        this.insertOne = "INSERT INTO " + job + " (kind, queue, priority, args, unique_key, run_at, max_attempts)"
                + " VALUES (?, ?, ?, ?::jsonb, ?, coalesce(?, now()), ?) " + UNIQUE_CONFLICT + " RETURNING id";
        this.insertMany = "INSERT INTO " + job + " (kind, queue, priority, args, unique_key, run_at, max_attempts)"
                + " SELECT k, q, p::smallint, a::jsonb, u, coalesce(r::timestamptz, now()), m"
                + " FROM unnest(?::text[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::int[]) AS t(k, q, p, a, u, r, m) "
                + UNIQUE_CONFLICT;
        // One statement claims a batch. The pause check is an uncorrelated sub-query, evaluated once,
        // so a pause seen by the database stops every node's next claim without any cache.
        String claimOnly = "UPDATE " + job + " j SET state = 'running', attempt = j.attempt + 1, attempted_at = now(), lease_owner = ?"
                + " FROM (SELECT id FROM " + job + " WHERE state = 'available' AND queue = ? AND run_at <= now()"
                + "   AND NOT EXISTS (SELECT 1 FROM " + schema.table("job_pause") + " p WHERE p.queue IN (?, '*')"
                + "                   AND (p.expires_at IS NULL OR p.expires_at > now()))"
                + "   ORDER BY priority DESC, run_at, id LIMIT ? FOR UPDATE SKIP LOCKED) c"
                + " WHERE j.id = c.id"
                + " RETURNING j.id, j.kind, j.queue, j.args::text, j.attempt, j.max_attempts, j.cancel_requested";
        this.claim = PLAN_GUARD + claimOnly;
        this.claimAsync = "SET LOCAL synchronous_commit = off; " + PLAN_GUARD + claimOnly;
        // A batch of completions in one statement; a job whose attempt or owner changed is skipped.
        // No "state = 'running'" here: the owner check implies it (constraint job_owner_iff_running),
        // and spelling it out lets the planner walk the whole running-jobs partial index, dead
        // entries included, in a merge join instead of one primary-key lookup per row: measured,
        // batches went from about 2 ms to 26-60 ms once a million jobs had passed through.
        // The owner comes in the unnest too, as a join clause: as a filter on the job table it was
        // estimated from statistics taken while no job ran (all owners NULL), so the planner took
        // "owner = ?" for one row and scanned the table as the outer side of the join.
        this.completeMany = "UPDATE " + job + " j SET state = 'completed', finished_at = now(), lease_owner = NULL"
                + " FROM unnest(?::bigint[], ?::int[], ?::text[]) AS c(id, attempt, owner)"
                + " WHERE j.id = c.id AND j.attempt = c.attempt AND j.lease_owner = c.owner"
                + " RETURNING j.id";
        this.settle = "UPDATE " + job + " SET"
                + " state = CASE WHEN cancel_requested AND ? = 'available' THEN 'cancelled' ELSE ? END,"
                + " run_at = now() + ? * interval '1 millisecond',"
                + " attempt = attempt + ?,"
                + " errors = CASE WHEN ?::text IS NULL THEN errors ELSE errors || jsonb_build_array(jsonb_build_object("
                + "   'attempt', attempt, 'at', now(), 'node', lease_owner, 'class', ?::text, 'message', ?::text, 'stack', ?::text)) END,"
                + " finished_at = CASE WHEN cancel_requested AND ? = 'available' THEN now() WHEN ? = 'available' THEN NULL ELSE now() END,"
                + " lease_owner = NULL"
                + " WHERE id = ? AND attempt = ? AND lease_owner = ? AND state = 'running'"
                + " RETURNING state";
    }

    JobSchema schema() {
        return schema;
    }

    // ---- insert ----

    InsertResult insert(Connection c, JobRequest r) throws SQLException {
        for (int tries = 0; ; tries++) {
            try (PreparedStatement p = c.prepareStatement(insertOne)) {
                p.setString(1, r.kind());
                p.setString(2, r.queue());
                p.setInt(3, r.priority());
                p.setString(4, r.args());
                p.setString(5, r.uniqueKey().orElse(null));
                setTime(p, 6, r.runAt());
                setInt(p, 7, r.maxAttempts());
                try (ResultSet rs = p.executeQuery()) {
                    if (rs.next()) {
                        long id = rs.getLong(1);
                        if (runnableNow(r) && notifier.due(r.queue())) {
                            notify(c, "q:" + r.queue());
                        }
                        return new InsertResult(id, false);
                    }
                }
            }
            try (PreparedStatement p = c.prepareStatement("SELECT id FROM " + job
                    + " WHERE kind = ? AND unique_key = ? AND state IN ('available', 'running')")) {
                p.setString(1, r.kind());
                p.setString(2, r.uniqueKey().orElseThrow());
                try (ResultSet rs = p.executeQuery()) {
                    if (rs.next()) {
                        return new InsertResult(rs.getLong(1), true);
                    }
                }
            }
            // the holder of the key finished between the two statements: the key is free again
            if (tries >= 3) {
                throw new SQLException("unique key " + r.uniqueKey().orElseThrow() + " of kind " + r.kind()
                        + " kept changing hands; try the insert again");
            }
        }
    }

    long insertMany(Connection c, List<JobRequest> requests) throws SQLException {
        if (requests.isEmpty()) {
            return 0;
        }
        boolean anyUnique = requests.stream().anyMatch(r -> r.uniqueKey().isPresent());
        long inserted = anyUnique ? insertManyUnnest(c, requests) : copy(c, requests);
        // one notification per queue for the whole batch
        for (String queue : requests.stream().filter(JobStore::runnableNow).map(JobRequest::queue).distinct().toList()) {
            notify(c, "q:" + queue);
        }
        return inserted;
    }

    private static boolean runnableNow(JobRequest r) {
        return r.runAt().isEmpty() || !r.runAt().get().isAfter(Instant.now());
    }

    private long insertManyUnnest(Connection c, List<JobRequest> rs) throws SQLException {
        int n = rs.size();
        String[] k = new String[n], q = new String[n], a = new String[n], u = new String[n], t = new String[n];
        Integer[] p = new Integer[n], m = new Integer[n];
        for (int i = 0; i < n; i++) {
            JobRequest r = rs.get(i);
            k[i] = r.kind();
            q[i] = r.queue();
            a[i] = r.args();
            u[i] = r.uniqueKey().orElse(null);
            t[i] = r.runAt().map(Instant::toString).orElse(null);
            p[i] = r.priority();
            m[i] = r.maxAttempts().isPresent() ? r.maxAttempts().getAsInt() : null;
        }
        try (PreparedStatement s = c.prepareStatement(insertMany)) {
            s.setArray(1, c.createArrayOf("text", k));
            s.setArray(2, c.createArrayOf("text", q));
            s.setArray(3, c.createArrayOf("int4", p));
            s.setArray(4, c.createArrayOf("text", a));
            s.setArray(5, c.createArrayOf("text", u));
            s.setArray(6, c.createArrayOf("text", t));
            s.setArray(7, c.createArrayOf("int4", m));
            return s.executeUpdate();
        }
    }

    /** COPY is the fastest way in: one round trip, no per-row parse or plan. */
    private long copy(Connection c, List<JobRequest> rs) throws SQLException {
        String now;
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT now()::text")) {
            r.next();
            now = r.getString(1);
        }
        StringBuilder b = new StringBuilder(rs.size() * 64);
        for (JobRequest r : rs) {
            copyText(b, r.kind()).append('\t');
            copyText(b, r.queue()).append('\t');
            b.append(r.priority()).append('\t');
            copyText(b, r.args()).append('\t');
            b.append(r.runAt().map(Instant::toString).orElse(now)).append('\t');
            if (r.maxAttempts().isPresent()) {
                b.append(r.maxAttempts().getAsInt());
            } else {
                b.append("\\N");
            }
            b.append('\n');
        }
        try {
            return c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "COPY " + job + " (kind, queue, priority, args, run_at, max_attempts) FROM STDIN",
                    new ByteArrayInputStream(b.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new SQLException("could not stream jobs to COPY", e);
        }
    }

    private static StringBuilder copyText(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(ch);
            }
        }
        return b;
    }

    // ---- claim and settle ----

    record Claimed(long id, String kind, String queue, String args, int attempt, OptionalInt maxAttempts,
                   boolean cancelRequested) {
    }

    List<Claimed> claim(Connection c, String nodeId, String queue, int limit) throws SQLException {
        return claim(c, nodeId, queue, limit, true);
    }

    /**
     * Claims up to {@code limit} jobs. With {@code durable} false the claim commits without waiting
     * for its WAL flush (one statement, one round trip: the SET LOCAL rides in the same implicit
     * transaction). That is safe for jobs: a claim lost in a database crash only puts the job back
     * to waiting, so it runs again (at least once, as after any crash), and every later write of
     * the lost attempt is still fenced on attempt and owner. Any synchronous commit after it (an
     * enqueue, a completion) flushes it too.
     */
    List<Claimed> claim(Connection c, String nodeId, String queue, int limit, boolean durable) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(durable ? claim : claimAsync)) {
            p.setString(1, nodeId);
            p.setString(2, queue);
            p.setString(3, queue);
            p.setInt(4, limit);
            List<Claimed> out = new ArrayList<>(limit);
            boolean isResult = p.execute();
            while (!isResult && p.getUpdateCount() != -1) {
                isResult = p.getMoreResults();
            }
            try (ResultSet rs = p.getResultSet()) {
                while (rs.next()) {
                    int max = rs.getInt(6);
                    OptionalInt maxAttempts = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(max);
                    out.add(new Claimed(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                            maxAttempts, rs.getBoolean(7)));
                }
            }
            return out;
        }
    }

    /** Completes a batch; returns the ids that were still held by this node at that attempt. */
    Set<Long> completeMany(Connection c, String nodeId, long[] ids, int[] attempts) throws SQLException {
        Long[] boxedIds = new Long[ids.length];
        Integer[] boxedAttempts = new Integer[ids.length];
        String[] owners = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            boxedIds[i] = ids[i];
            boxedAttempts[i] = attempts[i];
            owners[i] = nodeId;
        }
        try (PreparedStatement p = c.prepareStatement(completeMany)) {
            p.setArray(1, c.createArrayOf("int8", boxedIds));
            p.setArray(2, c.createArrayOf("int4", boxedAttempts));
            p.setArray(3, c.createArrayOf("text", owners));
            Set<Long> done = new HashSet<>(ids.length * 2);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    done.add(rs.getLong(1));
                }
            }
            return done;
        }
    }

    /** An error to record on the job with its attempt; its texts are cleaned as {@link JobError#clean} says. */
    record ErrorText(String errorClass, String message, String stack) {
        ErrorText {
            errorClass = JobError.clean(errorClass);
            message = JobError.clean(message);
            stack = JobError.cleanLines(stack);
        }

        static ErrorText of(Throwable t) {
            StringBuilder stack = new StringBuilder();
            StackTraceElement[] frames = t.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, 8); i++) {
                stack.append(frames[i]).append('\n');
            }
            Throwable cause = t.getCause();
            if (cause != null && cause != t) {
                stack.append("caused by ").append(cause.getClass().getName()).append(": ").append(cause.getMessage());
            }
            return new ErrorText(t.getClass().getName(), String.valueOf(t.getMessage()), stack.toString());
        }

        static ErrorText reason(String errorClass, String message) {
            return new ErrorText(errorClass, message, "");
        }

        /**
         * What is stored instead when the database refused this error's text as bad data: the class
         * and the refusal, none of the refused text.
         */
        ErrorText unstorable(String sqlState) {
            return new ErrorText(errorClass, "the error message of this attempt could not be stored (the database refused"
                    + " it as bad data, SQLSTATE " + sqlState + "); the worker's log has it", "");
        }
    }

    /**
     * Moves a running job to {@code state}, fenced. {@code delay} sets the next run time for
     * {@code available}; {@code attemptDelta} -1 gives the attempt back (snooze, hand-back).
     * A cancel request turns a would-be retry into {@code cancelled}. Returns the state written, or
     * empty when the job was no longer this attempt's.
     */
    Optional<JobState> settle(Connection c, String nodeId, long id, int attempt, JobState state, Duration delay,
                              int attemptDelta, Optional<ErrorText> error) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(settle)) {
            String s = state.sql();
            p.setString(1, s);
            p.setString(2, s);
            p.setLong(3, delay.toMillis());
            p.setInt(4, attemptDelta);
            p.setString(5, error.map(ErrorText::errorClass).orElse(null));
            p.setString(6, error.map(ErrorText::errorClass).orElse(null));
            p.setString(7, error.map(ErrorText::message).orElse(null));
            p.setString(8, error.map(ErrorText::stack).orElse(null));
            p.setString(9, s);
            p.setString(10, s);
            p.setLong(11, id);
            p.setInt(12, attempt);
            p.setString(13, nodeId);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(JobState.fromSql(rs.getString(1))) : Optional.empty();
            }
        }
    }

    // ---- nodes, rescue, maintenance ----

    /** Renews this node's lease on all its jobs at once; returns its running jobs someone asked to cancel. */
    List<Long> heartbeat(Connection c, String nodeId, String host) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + schema.table("job_node")
                + " (node_id, host) VALUES (?, ?) ON CONFLICT (node_id) DO UPDATE SET heartbeat_at = now()")) {
            p.setString(1, nodeId);
            p.setString(2, host);
            p.executeUpdate();
        }
        try (PreparedStatement p = c.prepareStatement("SELECT id FROM " + job
                + " WHERE lease_owner = ? AND state = 'running' AND cancel_requested")) {
            p.setString(1, nodeId);
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        }
    }

    void deregister(Connection c, String nodeId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM " + schema.table("job_node") + " WHERE node_id = ?")) {
            p.setString(1, nodeId);
            p.executeUpdate();
        }
    }

    /** A job taken back from a dead node, and the state it went to. */
    record Rescued(String queue, String kind, JobState state) {}

    /** What a rescue did; {@code quarantinedJobs} describes each quarantined job for the log. */
    record RescueCounts(int available, int quarantined, int cancelled, List<String> quarantinedJobs) {
        RescueCounts(int available, int quarantined, int cancelled) {
            this(available, quarantined, cancelled, List.of());
        }

        int total() {
            return available + quarantined + cancelled;
        }
    }

    /**
     * Returns jobs whose node stopped heartbeating for {@code deadAfter}. Each rescue counts a worker
     * death; at {@code poisonLimit} deaths the job is quarantined instead of run again.
     */
    RescueCounts rescue(Connection c, String selfNode, Duration deadAfter, int poisonLimit, int limit) throws SQLException {
        return rescue(c, selfNode, deadAfter, poisonLimit, limit, new ArrayList<>());
    }

    /** As above, adding each rescued job to {@code into}. */
    RescueCounts rescue(Connection c, String selfNode, Duration deadAfter, int poisonLimit, int limit, List<Rescued> into)
            throws SQLException {
        String sql = "UPDATE " + job + " j SET"
                + " state = CASE WHEN j.cancel_requested THEN 'cancelled' WHEN j.worker_deaths + 1 >= ? THEN 'quarantined' ELSE 'available' END,"
                + " finished_at = CASE WHEN j.cancel_requested OR j.worker_deaths + 1 >= ? THEN now() END,"
                + " worker_deaths = j.worker_deaths + 1, run_at = now(), lease_owner = NULL,"
                + " errors = j.errors || jsonb_build_array(jsonb_build_object('attempt', j.attempt, 'at', now(), 'node', j.lease_owner,"
                + "   'class', 'WorkerDied', 'message', 'node ' || j.lease_owner || ' stopped renewing its lease while running this job"
                + " (worker death ' || (j.worker_deaths + 1) || ' of ' || ? || ' allowed)', 'stack', ''))"
                + " FROM (SELECT id, attempt, lease_owner FROM " + job + " r WHERE state = 'running' AND lease_owner <> ?"
                + "   AND NOT EXISTS (SELECT 1 FROM " + schema.table("job_node") + " n WHERE n.node_id = r.lease_owner"
                + "                   AND n.heartbeat_at > now() - ? * interval '1 millisecond')"
                + "   LIMIT ? FOR UPDATE SKIP LOCKED) d"
                + " WHERE j.id = d.id AND j.attempt = d.attempt AND j.lease_owner = d.lease_owner"
                + " RETURNING j.state, j.id, j.kind, j.args::text, j.worker_deaths, j.queue";
        int available = 0, quarantined = 0, cancelled = 0;
        List<String> quarantinedJobs = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setInt(1, poisonLimit);
            p.setInt(2, poisonLimit);
            p.setInt(3, poisonLimit);
            p.setString(4, selfNode);
            p.setLong(5, deadAfter.toMillis());
            p.setInt(6, limit);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    into.add(new Rescued(rs.getString(6), rs.getString(3), JobState.fromSql(rs.getString(1))));
                    switch (rs.getString(1)) {
                        case "quarantined" -> {
                            quarantined++;
                            quarantinedJobs.add("job " + rs.getLong(2) + " " + rs.getString(3) + " " + rs.getString(4)
                                    + " (its worker died " + rs.getInt(5) + " times running it)");
                        }
                        case "cancelled" -> cancelled++;
                        default -> available++;
                    }
                }
            }
        }
        try (PreparedStatement p = c.prepareStatement("DELETE FROM " + schema.table("job_node")
                + " WHERE heartbeat_at < now() - ? * interval '1 millisecond' AND node_id <> ?")) {
            p.setLong(1, deadAfter.multipliedBy(100).toMillis());
            p.setString(2, selfNode);
            p.executeUpdate();
        }
        return new RescueCounts(available, quarantined, cancelled, List.copyOf(quarantinedJobs));
    }

    /** Deletes finished jobs older than their retention, at most {@code limit} per call. */
    int prune(Connection c, Duration completedRetention, Duration failedRetention, int limit) throws SQLException {
        String sql = "DELETE FROM " + job + " WHERE id IN (SELECT id FROM " + job
                + " WHERE finished_at IS NOT NULL AND finished_at < now() - ? * interval '1 millisecond'"
                + " AND CASE WHEN state IN ('completed', 'cancelled') THEN finished_at < now() - ? * interval '1 millisecond'"
                + "          ELSE finished_at < now() - ? * interval '1 millisecond' END"
                + " LIMIT ?)";
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setLong(1, Math.min(completedRetention.toMillis(), failedRetention.toMillis()));
            p.setLong(2, completedRetention.toMillis());
            p.setLong(3, failedRetention.toMillis());
            p.setInt(4, limit);
            return p.executeUpdate();
        }
    }

    int deleteExpiredPauses(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM " + schema.table("job_pause")
                + " WHERE expires_at IS NOT NULL AND expires_at <= now()")) {
            return p.executeUpdate();
        }
    }

    /** Takes or keeps the named leadership for {@code ttl}; true if {@code holder} leads now. */
    boolean elect(Connection c, String name, String holder, Duration ttl) throws SQLException {
        String sql = "INSERT INTO " + schema.table("job_leader") + " AS l (name, holder, expires_at)"
                + " VALUES (?, ?, now() + ? * interval '1 millisecond')"
                + " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
                + " WHERE l.holder = excluded.holder OR l.expires_at < now() RETURNING holder";
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, name);
            p.setString(2, holder);
            p.setLong(3, ttl.toMillis());
            try (ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        }
    }

    void resign(Connection c, String name, String holder) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM " + schema.table("job_leader") + " WHERE name = ? AND holder = ?")) {
            p.setString(1, name);
            p.setString(2, holder);
            p.executeUpdate();
        }
    }

    /**
     * Enqueues the periodic job if its slot is due and advances the slot, in the caller's
     * transaction. The unique key names the slot, so two leaders in a race still enqueue it once.
     */
    boolean enqueuePeriodicIfDue(Connection c, PeriodicJob periodic) throws SQLException {
        String table = schema.table("job_periodic");
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + table + " (name, next_run_at) VALUES (?, now())"
                + " ON CONFLICT (name) DO NOTHING")) {
            p.setString(1, periodic.name());
            p.executeUpdate();
        }
        Instant due;
        try (PreparedStatement p = c.prepareStatement("SELECT next_run_at FROM " + table
                + " WHERE name = ? AND next_run_at <= now() FOR UPDATE")) {
            p.setString(1, periodic.name());
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                due = rs.getTimestamp(1).toInstant();
            }
        }
        JobRequest t = periodic.template();
        insert(c, new JobRequest(t.kind(), t.queue(), t.args(), t.priority(),
                Optional.of("periodic:" + periodic.name() + ":" + due.toEpochMilli()), Optional.empty(), t.maxAttempts()));
        // skip slots missed while no leader ran: the next slot is the first one after now
        try (PreparedStatement p = c.prepareStatement("UPDATE " + table + " SET next_run_at = next_run_at"
                + " + ceil(extract(epoch FROM (now() - next_run_at)) * 1000 / ? + 1e-9) * ? * interval '1 millisecond'"
                + " WHERE name = ?")) {
            long ms = periodic.interval().toMillis();
            p.setLong(1, ms);
            p.setLong(2, ms);
            p.setString(3, periodic.name());
            p.executeUpdate();
        }
        return true;
    }

    // ---- queue settings and pauses ----

    /** Persisted per-queue concurrency. */
    Map<String, Integer> concurrency(Connection c) throws SQLException {
        Map<String, Integer> out = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT queue, concurrency FROM " + schema.table("job_queue"))) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getInt(2));
            }
        }
        return out;
    }

    void setConcurrency(Connection c, String queue, int concurrency) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + schema.table("job_queue")
                + " (queue, concurrency) VALUES (?, ?) ON CONFLICT (queue) DO UPDATE"
                + " SET concurrency = excluded.concurrency, updated_at = now()")) {
            p.setString(1, queue);
            p.setInt(2, concurrency);
            p.executeUpdate();
        }
        notify(c, "s:" + queue);
    }

    void pause(Connection c, String queue, String holder, Optional<Duration> ttl) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + schema.table("job_pause")
                + " (queue, holder, expires_at) VALUES (?, ?, now() + ? * interval '1 millisecond')"
                + " ON CONFLICT (queue, holder) DO UPDATE SET expires_at = excluded.expires_at")) {
            p.setString(1, queue);
            p.setString(2, holder);
            if (ttl.isPresent()) {
                p.setLong(3, ttl.get().toMillis());
            } else {
                p.setNull(3, Types.BIGINT);
            }
            p.executeUpdate();
        }
        notify(c, "s:" + queue);
    }

    boolean renewPause(Connection c, String queue, String holder, Duration ttl) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE " + schema.table("job_pause")
                + " SET expires_at = now() + ? * interval '1 millisecond'"
                + " WHERE queue = ? AND holder = ? AND expires_at IS NOT NULL AND expires_at > now()")) {
            p.setLong(1, ttl.toMillis());
            p.setString(2, queue);
            p.setString(3, holder);
            return p.executeUpdate() == 1;
        }
    }

    boolean releasePause(Connection c, String queue, String holder) throws SQLException {
        boolean released;
        try (PreparedStatement p = c.prepareStatement("DELETE FROM " + schema.table("job_pause")
                + " WHERE queue = ? AND holder = ?")) {
            p.setString(1, queue);
            p.setString(2, holder);
            released = p.executeUpdate() == 1;
        }
        // a resumed queue may have a backlog: wake the nodes
        notify(c, "s:" + queue);
        return released;
    }

    /** Upserts a throttle; nodes are told only when its fraction changes (or it is new). */
    void throttle(Connection c, String queue, double fraction, String reason, String holder, Duration ttl) throws SQLException {
        boolean changed;
        try (PreparedStatement p = c.prepareStatement("WITH old AS (SELECT fraction FROM " + schema.table("job_throttle")
                + " WHERE queue = ? AND expires_at > now())"
                + " INSERT INTO " + schema.table("job_throttle") + " AS t (queue, fraction, reason, holder, expires_at)"
                + " VALUES (?, ?, ?, ?, now() + ? * interval '1 millisecond')"
                + " ON CONFLICT (queue) DO UPDATE SET fraction = excluded.fraction, reason = excluded.reason,"
                + " holder = excluded.holder, expires_at = excluded.expires_at,"
                + " since = CASE WHEN t.expires_at > now() THEN t.since ELSE now() END"
                + " RETURNING (SELECT fraction FROM old) IS DISTINCT FROM ?")) {
            p.setString(1, queue);
            p.setString(2, queue);
            p.setDouble(3, fraction);
            p.setString(4, reason);
            p.setString(5, holder);
            p.setLong(6, ttl.toMillis());
            p.setDouble(7, fraction);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                changed = rs.getBoolean(1);
            }
        }
        if (changed) {
            notify(c, "s:" + queue);
        }
    }

    boolean releaseThrottle(Connection c, String queue, String holder) throws SQLException {
        boolean released;
        try (PreparedStatement p = c.prepareStatement("DELETE FROM " + schema.table("job_throttle")
                + " WHERE queue = ? AND holder = ?")) {
            p.setString(1, queue);
            p.setString(2, holder);
            released = p.executeUpdate() == 1;
        }
        if (released) {
            notify(c, "s:" + queue);
        }
        return released;
    }

    List<QueueAdmin.Throttle> throttles(Connection c) throws SQLException {
        List<QueueAdmin.Throttle> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT queue, fraction, reason, holder, since,"
                + " expires_at FROM " + schema.table("job_throttle") + " WHERE expires_at > now() ORDER BY queue")) {
            while (rs.next()) {
                out.add(new QueueAdmin.Throttle(rs.getString(1), rs.getDouble(2), rs.getString(3), rs.getString(4),
                        rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant()));
            }
        }
        return out;
    }

    boolean isPaused(Connection c, String queue) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM " + schema.table("job_pause")
                + " WHERE queue IN (?, '*') AND (expires_at IS NULL OR expires_at > now()))")) {
            p.setString(1, queue);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    void notify(Connection c, String payload) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            p.setString(1, schema.channel());
            p.setString(2, payload);
            p.execute();
        }
    }

    record RawCounts(long waiting, long delayed, long active, long failed, long cancelled, long completed,
                     Optional<Instant> oldestWaiting) {
    }

    Map<String, RawCounts> counts(Connection c) throws SQLException {
        String sql = "SELECT queue,"
                + " count(*) FILTER (WHERE state = 'available' AND run_at <= now()),"
                + " count(*) FILTER (WHERE state = 'available' AND run_at > now()),"
                + " count(*) FILTER (WHERE state = 'running'),"
                + " count(*) FILTER (WHERE state IN ('failed', 'discarded', 'quarantined')),"
                + " count(*) FILTER (WHERE state = 'cancelled'),"
                + " count(*) FILTER (WHERE state = 'completed'),"
                + " min(run_at) FILTER (WHERE state = 'available' AND run_at <= now())"
                + " FROM " + job + " GROUP BY queue ORDER BY queue";
        Map<String, RawCounts> out = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                Timestamp oldest = rs.getTimestamp(8);
                out.put(rs.getString(1), new RawCounts(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6), rs.getLong(7), Optional.ofNullable(oldest).map(Timestamp::toInstant)));
            }
        }
        return out;
    }

    List<QueueAdmin.Pause> pauses(Connection c) throws SQLException {
        List<QueueAdmin.Pause> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT queue, holder, expires_at FROM "
                + schema.table("job_pause") + " WHERE expires_at IS NULL OR expires_at > now() ORDER BY queue, holder")) {
            while (rs.next()) {
                Timestamp expires = rs.getTimestamp(3);
                out.add(new QueueAdmin.Pause(rs.getString(1), rs.getString(2),
                        Optional.ofNullable(expires).map(Timestamp::toInstant)));
            }
        }
        return out;
    }

    Set<String> pausedQueues(Connection c) throws SQLException {
        Set<String> out = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT DISTINCT queue FROM "
                + schema.table("job_pause") + " WHERE expires_at IS NULL OR expires_at > now()")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    Instant now(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT now()")) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    // ---- admin on single jobs ----

    CancelResult cancel(Connection c, long id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE " + job + " SET state = 'cancelled', finished_at = now()"
                + " WHERE id = ? AND state = 'available'")) {
            p.setLong(1, id);
            if (p.executeUpdate() == 1) {
                return CancelResult.CANCELLED;
            }
        }
        try (PreparedStatement p = c.prepareStatement("UPDATE " + job + " SET cancel_requested = true"
                + " WHERE id = ? AND state = 'running'")) {
            p.setLong(1, id);
            if (p.executeUpdate() == 1) {
                notify(c, "c:" + id);
                return CancelResult.CANCEL_REQUESTED;
            }
        }
        try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM " + job + " WHERE id = ?")) {
            p.setLong(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? CancelResult.ALREADY_FINISHED : CancelResult.NOT_FOUND;
            }
        }
    }

    boolean retry(Connection c, long id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE " + job + " SET state = 'available', attempt = 0,"
                + " worker_deaths = 0, cancel_requested = false, run_at = now(), finished_at = NULL"
                + " WHERE id = ? AND state NOT IN ('available', 'running') RETURNING queue")) {
            p.setLong(1, id);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                notify(c, "q:" + rs.getString(1));
                return true;
            }
        }
    }

    boolean delete(Connection c, long id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM " + job + " WHERE id = ? AND state <> 'running'")) {
            p.setLong(1, id);
            return p.executeUpdate() == 1;
        }
    }

    /** Deletes up to {@code limit} jobs of a queue in the given (not running) states; returns how many. */
    int deleteMany(Connection c, String queue, Set<JobState> states, int limit) throws SQLException {
        String[] names = states.stream().filter(s -> s != JobState.RUNNING).map(JobState::sql).toArray(String[]::new);
        try (PreparedStatement p = c.prepareStatement("DELETE FROM " + job + " WHERE id IN (SELECT id FROM " + job
                + " WHERE queue = ? AND state = ANY(?) LIMIT ? FOR UPDATE SKIP LOCKED)")) {
            p.setString(1, queue);
            p.setArray(2, c.createArrayOf("text", names));
            p.setInt(3, limit);
            return p.executeUpdate();
        }
    }

    private static final String VIEW_COLUMNS = "id, kind, queue, state, priority, args::text, unique_key, attempt,"
            + " max_attempts, worker_deaths, lease_owner, cancel_requested, created_at, run_at, attempted_at, finished_at";

    Optional<JobView> get(Connection c, long id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT " + VIEW_COLUMNS + " FROM " + job + " WHERE id = ?")) {
            p.setLong(1, id);
            List<JobView> views = views(c, p);
            return views.isEmpty() ? Optional.empty() : Optional.of(views.getFirst());
        }
    }

    List<JobView> list(Connection c, String queue, JobState state, int limit, long beforeId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT " + VIEW_COLUMNS + " FROM " + job
                + " WHERE queue = ? AND state = ? AND id < ? ORDER BY id DESC LIMIT ?")) {
            p.setString(1, queue);
            p.setString(2, state.sql());
            p.setLong(3, beforeId);
            p.setInt(4, limit);
            return views(c, p);
        }
    }

    private List<JobView> views(Connection c, PreparedStatement p) throws SQLException {
        record Row(long id, String kind, String queue, JobState state, int priority, String args, String uniqueKey,
                   int attempt, Integer max, int deaths, String owner, boolean cancel, Instant created, Instant runAt,
                   Instant attempted, Instant finished) {
        }
        List<Row> rows = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                int max = rs.getInt(9);
                Integer maxAttempts = rs.wasNull() ? null : max;
                rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), JobState.fromSql(rs.getString(4)),
                        rs.getInt(5), rs.getString(6), rs.getString(7), rs.getInt(8), maxAttempts, rs.getInt(10),
                        rs.getString(11), rs.getBoolean(12), instant(rs, 13), instant(rs, 14), instant(rs, 15),
                        instant(rs, 16)));
            }
        }
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<Long, List<JobError>> errors = new HashMap<>();
        try (PreparedStatement e = c.prepareStatement("SELECT j.id, (x->>'attempt')::int, (x->>'at')::timestamptz,"
                + " x->>'node', x->>'class', x->>'message', x->>'stack'"
                + " FROM " + job + " j CROSS JOIN LATERAL jsonb_array_elements(j.errors) WITH ORDINALITY AS e(x, n)"
                + " WHERE j.id = ANY(?) ORDER BY j.id, e.n")) {
            Array ids = c.createArrayOf("int8", rows.stream().map(Row::id).toArray(Long[]::new));
            e.setArray(1, ids);
            try (ResultSet rs = e.executeQuery()) {
                while (rs.next()) {
                    errors.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new JobError(rs.getInt(2),
                            instant(rs, 3), String.valueOf(rs.getString(4)), String.valueOf(rs.getString(5)),
                            String.valueOf(rs.getString(6)), String.valueOf(rs.getString(7))));
                }
            }
        }
        List<JobView> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            out.add(new JobView(r.id, r.kind, r.queue, r.state, r.priority, r.args, Optional.ofNullable(r.uniqueKey),
                    r.attempt, Optional.ofNullable(r.max), r.deaths, Optional.ofNullable(r.owner), r.cancel, r.created,
                    r.runAt, Optional.ofNullable(r.attempted), Optional.ofNullable(r.finished),
                    List.copyOf(errors.getOrDefault(r.id, List.of()))));
        }
        return out;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static void setTime(PreparedStatement p, int i, Optional<Instant> t) throws SQLException {
        if (t.isPresent()) {
            p.setObject(i, OffsetDateTime.ofInstant(t.get(), ZoneOffset.UTC));
        } else {
            p.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        }
    }

    private static void setInt(PreparedStatement p, int i, OptionalInt v) throws SQLException {
        if (v.isPresent()) {
            p.setInt(i, v.getAsInt());
        } else {
            p.setNull(i, Types.INTEGER);
        }
    }

    int handBackUnowned(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE " + job + " j SET state = 'available',"
                + " attempt = greatest(j.attempt - 1, 0), lease_owner = NULL, run_at = now()"
                + " WHERE j.state = 'running' AND NOT EXISTS (SELECT 1 FROM " + schema.table("job_node")
                + " n WHERE n.node_id = j.lease_owner)")) {
            int n = p.executeUpdate();
            if (n > 0) {
                notify(c, "s:*");
            }
            return n;
        }
    }

    // ---- the fleet's statistics ----

    void addOutcomes(Connection c, List<String> queues, List<String> kinds, List<String> outcomes, List<Long> counts)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + schema.table("job_stat") + " AS s (queue, kind, outcome, count)"
                + " SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[])"
                + " ON CONFLICT (queue, kind, outcome) DO UPDATE SET count = s.count + excluded.count")) {
            p.setArray(1, c.createArrayOf("text", queues.toArray()));
            p.setArray(2, c.createArrayOf("text", kinds.toArray()));
            p.setArray(3, c.createArrayOf("text", outcomes.toArray()));
            p.setArray(4, c.createArrayOf("int8", counts.toArray()));
            p.executeUpdate();
        }
    }

    /** Adds bucket by bucket; a row with other bounds (an older version's) starts again from these counts. */
    void addDurations(Connection c, String kind, double[] bounds, long[] buckets, long count, double sum) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + schema.table("job_duration")
                + " AS d (kind, le, buckets, count, sum_seconds) VALUES (?, ?::float8[], ?::int8[], ?, ?)"
                + " ON CONFLICT (kind) DO UPDATE SET"
                + " buckets = CASE WHEN d.le = excluded.le"
                + "   THEN ARRAY(SELECT a + b FROM unnest(d.buckets, excluded.buckets) AS t(a, b)) ELSE excluded.buckets END,"
                + " count = CASE WHEN d.le = excluded.le THEN d.count + excluded.count ELSE excluded.count END,"
                + " sum_seconds = CASE WHEN d.le = excluded.le THEN d.sum_seconds + excluded.sum_seconds ELSE excluded.sum_seconds END,"
                + " le = excluded.le")) {
            p.setString(1, kind);
            p.setArray(2, c.createArrayOf("float8", java.util.Arrays.stream(bounds).boxed().toArray()));
            p.setArray(3, c.createArrayOf("int8", java.util.Arrays.stream(buckets).boxed().toArray()));
            p.setLong(4, count);
            p.setDouble(5, sum);
            p.executeUpdate();
        }
    }

    JobStats stats(Connection c) throws SQLException {
        List<JobStats.OutcomeCount> outcomes = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT queue, kind, outcome, count FROM "
                + schema.table("job_stat") + " ORDER BY queue, kind, outcome")) {
            while (rs.next()) {
                String outcome = rs.getString(3).toUpperCase(java.util.Locale.ROOT);
                if (java.util.Arrays.stream(JobStats.Outcome.values()).anyMatch(o -> o.name().equals(outcome))) {
                    outcomes.add(new JobStats.OutcomeCount(rs.getString(1), rs.getString(2), JobStats.Outcome.valueOf(outcome),
                            rs.getLong(4)));
                }
            }
        }
        List<JobStats.Durations> durations = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT kind, le, buckets, count, sum_seconds FROM "
                + schema.table("job_duration") + " ORDER BY kind")) {
            while (rs.next()) {
                double[] le = java.util.Arrays.stream((Object[]) rs.getArray(2).getArray())
                        .mapToDouble(v -> ((Number) v).doubleValue()).toArray();
                long[] buckets = java.util.Arrays.stream((Object[]) rs.getArray(3).getArray())
                        .mapToLong(v -> ((Number) v).longValue()).toArray();
                if (buckets.length == le.length + 1) {
                    durations.add(new JobStats.Durations(rs.getString(1), le, buckets, rs.getLong(4), rs.getDouble(5)));
                }
            }
        }
        return new JobStats(outcomes, durations);
    }
}
