-- Files that the catalogue stopped pointing at (an original moved by the storage template) and
-- that are still on disk. Written in the same transaction as the change of path, so a crash
-- between the database commit and the file deletion leaves a record to finish the job from.
CREATE TABLE orphaned_files (
    path       text PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);
