-- The metadata step looks up the other half of a live photo by its content identifier.
CREATE INDEX asset_exif_live_photo_cid_idx ON asset_exif (live_photo_cid) WHERE live_photo_cid IS NOT NULL;
