-- What the media pipeline derives from an original: a perceptual hash for near-duplicate search,
-- the group of near-duplicates an asset belongs to, and why a step failed for good.
ALTER TABLE assets ADD COLUMN phash bigint;
ALTER TABLE assets ADD COLUMN duplicate_id uuid;
CREATE INDEX assets_owner_duplicate_idx ON assets (owner_id, duplicate_id) WHERE duplicate_id IS NOT NULL;

CREATE TABLE asset_processing_errors (
    asset_id  uuid        NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    -- The job kind that failed (AssetExtractMetadata, AssetGenerateThumbnails, ...).
    step      text        NOT NULL,
    reason    text        NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (asset_id, step)
);
