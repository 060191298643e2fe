-- The libvips and ffmpeg versions each job node works with, recorded when it starts. The server
-- process does not load them (the workers do), so GET /api/server/about reports the newest row.
CREATE TABLE worker_tools (
    node_id     text        PRIMARY KEY,
    libvips     text        NOT NULL,
    ffmpeg      text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX worker_tools_recorded_idx ON worker_tools (recorded_at);
