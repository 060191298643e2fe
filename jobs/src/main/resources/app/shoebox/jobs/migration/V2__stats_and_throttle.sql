-- What every node did, per queue and kind: each node adds its own counts every few seconds
-- (JobStats), so one reader (the server's /metrics) sees the whole fleet, worker processes and
-- workers on other machines included, and the totals survive the restart of any node.
CREATE TABLE ${schema}.job_stat (
    queue   text   NOT NULL,
    kind    text   NOT NULL,
    outcome text   NOT NULL,
    count   bigint NOT NULL,
    PRIMARY KEY (queue, kind, outcome)
);

-- How long handlers ran, per kind: a histogram with fixed upper bounds (seconds), counts per bucket
-- (not cumulative; the last bucket is everything above the last bound), their total and the sum.
CREATE TABLE ${schema}.job_duration (
    kind        text               PRIMARY KEY,
    le          double precision[] NOT NULL,
    buckets     bigint[]           NOT NULL,
    count       bigint             NOT NULL,
    sum_seconds double precision   NOT NULL
);

-- While a row holds a queue (or '*', every queue), each node runs at most
-- max(1, floor(fraction * its usual limit)) jobs of it at once. The serving process writes it while
-- its API is busy and renews it; like a pause lease, it ends by itself when its holder stops renewing.
CREATE TABLE ${schema}.job_throttle (
    queue      text             PRIMARY KEY,
    fraction   double precision NOT NULL CHECK (fraction >= 0 AND fraction <= 1),
    reason     text             NOT NULL,
    holder     text             NOT NULL,
    since      timestamptz      NOT NULL DEFAULT now(),
    expires_at timestamptz      NOT NULL
);
