-- The catalogue: users and their credentials, assets with their EXIF data, albums, tags, stacks.
-- Column names follow Immich's where the meaning is the same, so the API mapping stays obvious.

CREATE TABLE users (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email               text        NOT NULL,
    name                text        NOT NULL DEFAULT '',
    password_hash       text,
    is_admin            boolean     NOT NULL DEFAULT false,
    avatar_color        text,
    should_change_password boolean  NOT NULL DEFAULT false,
    storage_label       text,
    quota_size_in_bytes bigint,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    profile_changed_at  timestamptz NOT NULL DEFAULT now(),
    deleted_at          timestamptz
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- Secrets are never stored: only the SHA-256 of the key as the client sends it.
CREATE TABLE api_keys (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        text        NOT NULL,
    key_hash    bytea       NOT NULL UNIQUE,
    permissions text[]      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_user_id_idx ON api_keys (user_id);

CREATE TABLE sessions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   bytea       NOT NULL UNIQUE,
    device_type  text        NOT NULL DEFAULT '',
    device_os    text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE stacks (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id         uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- A stack's members are the assets whose stack_id points here; the primary is one of them.
    primary_asset_id uuid        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE assets (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id            uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type                text        NOT NULL CHECK (type IN ('IMAGE', 'VIDEO', 'AUDIO', 'OTHER')),
    status              text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'trashed', 'deleted')),
    device_asset_id     text        NOT NULL DEFAULT '',
    device_id           text        NOT NULL DEFAULT '',
    -- Path of the original, relative to the library folder.
    original_path       text        NOT NULL,
    original_file_name  text        NOT NULL,
    sidecar_path        text,
    mime_type           text        NOT NULL,
    checksum            bytea       NOT NULL,
    file_size           bigint      NOT NULL,
    file_created_at     timestamptz NOT NULL,
    file_modified_at    timestamptz NOT NULL,
    local_date_time     timestamptz NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    deleted_at          timestamptz,
    is_favorite         boolean     NOT NULL DEFAULT false,
    visibility          text        NOT NULL DEFAULT 'timeline' CHECK (visibility IN ('archive', 'timeline', 'hidden', 'locked')),
    -- Milliseconds, for videos and animations (Immich v3 sends and answers an integer).
    duration            integer,
    width               integer,
    height              integer,
    thumbhash           bytea,
    live_photo_video_id uuid REFERENCES assets (id) ON DELETE SET NULL,
    stack_id            uuid REFERENCES stacks (id) ON DELETE SET NULL,
    is_offline          boolean     NOT NULL DEFAULT false,
    is_edited           boolean     NOT NULL DEFAULT false,
    -- Derived files, relative to the library folder; set by the media pipeline once generated.
    thumbnail_path      text,
    preview_path        text
);
-- One copy of the same bytes per user, trashed or not (a re-upload of a trashed file is a duplicate).
CREATE UNIQUE INDEX assets_owner_checksum_key ON assets (owner_id, checksum);
-- Serves both orders of (file_created_at, id), the unique key that search pages by.
CREATE INDEX assets_owner_time_idx ON assets (owner_id, file_created_at, id);
CREATE INDEX assets_owner_updated_idx ON assets (owner_id, updated_at, id);
CREATE INDEX assets_stack_id_idx ON assets (stack_id);

ALTER TABLE stacks ADD CONSTRAINT stacks_primary_asset_fk
    FOREIGN KEY (primary_asset_id) REFERENCES assets (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE asset_exif (
    asset_id            uuid PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
    make                text,
    model               text,
    lens_model          text,
    exposure_time       text,
    f_number            double precision,
    iso                 integer,
    focal_length        double precision,
    exif_image_width    integer,
    exif_image_height   integer,
    file_size_in_byte   bigint,
    orientation         text,
    date_time_original  timestamptz,
    modify_date         timestamptz,
    time_zone           text,
    latitude            double precision,
    longitude           double precision,
    city                text,
    state               text,
    country             text,
    description         text        NOT NULL DEFAULT '',
    rating              integer,
    projection_type     text,
    profile_description text,
    color_space         text,
    bits_per_sample     integer,
    fps                 double precision,
    live_photo_cid      text,
    -- Fields edited through the API; metadata extraction never overwrites them.
    locked_properties   text[]      NOT NULL DEFAULT '{}',
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE albums (
    id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id                 uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    album_name               text        NOT NULL,
    description              text        NOT NULL DEFAULT '',
    album_thumbnail_asset_id uuid REFERENCES assets (id) ON DELETE SET NULL,
    is_activity_enabled      boolean     NOT NULL DEFAULT true,
    sort_order               text        NOT NULL DEFAULT 'desc' CHECK (sort_order IN ('asc', 'desc')),
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX albums_owner_id_idx ON albums (owner_id);

CREATE TABLE album_assets (
    album_id   uuid        NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
    asset_id   uuid        NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (album_id, asset_id)
);
CREATE INDEX album_assets_asset_id_idx ON album_assets (asset_id);

CREATE TABLE tags (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The full path, e.g. "Travel/2024/Rome"; each level has its own row.
    value      text        NOT NULL,
    parent_id  uuid REFERENCES tags (id) ON DELETE CASCADE,
    color      text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, value)
);

CREATE TABLE tag_assets (
    tag_id   uuid NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    asset_id uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    PRIMARY KEY (tag_id, asset_id)
);
CREATE INDEX tag_assets_asset_id_idx ON tag_assets (asset_id);
