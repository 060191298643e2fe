-- The timeline counts a user's assets per month of their wall-clock capture time and reads one
-- month at a time (GET /api/timeline/buckets and /bucket): both are ranges of this index.
CREATE INDEX assets_owner_local_time_idx ON assets (owner_id, local_date_time);
