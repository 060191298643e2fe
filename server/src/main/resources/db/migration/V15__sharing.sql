-- Albums shared with other users, each with a role: an editor may add and remove assets, a viewer
-- may only look. The owner is not a row here (albums.owner_id).
CREATE TABLE album_users (
    album_id   uuid        NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text        NOT NULL CHECK (role IN ('editor', 'viewer')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (album_id, user_id)
);
CREATE INDEX album_users_user_id_idx ON album_users (user_id);

-- A user's preferences as Immich's clients set them: only what differs from the defaults is kept.
CREATE TABLE user_preferences (
    user_id    uuid        PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    value      jsonb       NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Server-wide facts clients set and read (e.g. whether the admin finished onboarding).
CREATE TABLE system_metadata (
    key   text  PRIMARY KEY,
    value jsonb NOT NULL
);

-- In-app notifications (Immich's bell): album invitations and album updates for now.
CREATE TABLE notifications (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    level       text        NOT NULL CHECK (level IN ('success', 'error', 'warning', 'info')),
    type        text        NOT NULL,
    title       text        NOT NULL,
    description text,
    data        jsonb,
    read_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_user_id_idx ON notifications (user_id, created_at DESC);
