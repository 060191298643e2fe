-- External libraries: folders indexed in place. Their assets point at the original by absolute
-- path (original_path, sidecar_path) and carry library_id; Shoebox never moves, writes or deletes
-- those files, only the thumbnails it derives from them.
CREATE TABLE libraries (
    id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id                uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name                    text        NOT NULL,
    import_paths            text[]      NOT NULL DEFAULT '{}',
    exclusion_patterns      text[]      NOT NULL DEFAULT '{}',
    -- Whether a symlink inside an import path may lead outside it (set by an admin, off by default).
    follow_outside_symlinks boolean     NOT NULL DEFAULT false,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    -- When the last scan finished its offline check.
    refreshed_at            timestamptz
);
CREATE INDEX libraries_owner_id_idx ON libraries (owner_id);

ALTER TABLE assets ADD COLUMN library_id uuid REFERENCES libraries (id) ON DELETE CASCADE;
-- One asset per file of a library: a scan run twice (or resumed after a crash) never doubles one.
CREATE UNIQUE INDEX assets_library_path_key ON assets (library_id, original_path) WHERE library_id IS NOT NULL;
