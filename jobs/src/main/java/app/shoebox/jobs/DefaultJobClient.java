package app.shoebox.jobs;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

final class DefaultJobClient implements JobClient {

    private static final int DELETE_BATCH = 10_000;

    private final JobStore store;
    private final Db db;

    DefaultJobClient(JobStore store, DataSource dataSource) {
        this.store = store;
        this.db = new Db(dataSource);
    }

    @Override
    public InsertResult insert(Connection transaction, JobRequest request) {
        Objects.requireNonNull(request, "request");
        try {
            return store.insert(transaction, request);
        } catch (SQLException e) {
            throw new JobStoreException("could not enqueue a job of kind " + request.kind() + " on queue " + request.queue(), e);
        }
    }

    @Override
    public InsertResult insert(JobRequest request) {
        Objects.requireNonNull(request, "request");
        return db.tx("enqueue a job of kind " + request.kind(), c -> store.insert(c, request));
    }

    @Override
    public long insertMany(Connection transaction, List<JobRequest> requests) {
        try {
            return store.insertMany(transaction, List.copyOf(requests));
        } catch (SQLException e) {
            throw new JobStoreException("could not enqueue " + requests.size() + " jobs", e);
        }
    }

    @Override
    public long insertMany(List<JobRequest> requests) {
        List<JobRequest> copy = List.copyOf(requests);
        return db.tx("enqueue " + copy.size() + " jobs", c -> store.insertMany(c, copy));
    }

    @Override
    public CancelResult cancel(long id) {
        return db.tx("cancel job " + id, c -> store.cancel(c, id));
    }

    @Override
    public boolean retry(long id) {
        return db.auto("retry job " + id, c -> store.retry(c, id));
    }

    @Override
    public boolean delete(long id) {
        return db.auto("delete job " + id, c -> store.delete(c, id));
    }

    @Override
    public long deleteAll(String queue, Set<JobState> states) {
        long total = 0;
        while (true) {
            int n = db.auto("delete " + states + " jobs of queue " + queue, c -> store.deleteMany(c, queue, states, DELETE_BATCH));
            total += n;
            if (n < DELETE_BATCH) {
                return total;
            }
        }
    }

    @Override
    public Optional<JobView> get(long id) {
        return db.auto("read job " + id, c -> store.get(c, id));
    }

    @Override
    public JobPage list(String queue, JobState state, int limit, OptionalLong cursor) {
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("list limit must be 1..10000, got " + limit);
        }
        List<JobView> jobs = db.auto("list jobs of queue " + queue,
                c -> store.list(c, queue, state, limit, cursor.orElse(Long.MAX_VALUE)));
        return new JobPage(jobs, jobs.size() < limit ? OptionalLong.empty() : OptionalLong.of(jobs.getLast().id()));
    }
}
