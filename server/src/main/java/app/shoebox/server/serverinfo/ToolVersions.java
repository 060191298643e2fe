package app.shoebox.server.serverinfo;

import org.jdbi.v3.core.Jdbi;

/**
 * The versions of the native tools a job node decodes with; empty when the node has none (the
 * pure-Java image path, no ffmpeg). Each node records its own at start, so the server, which
 * loads neither, can say what its workers use.
 */
public record ToolVersions(String libvips, String ffmpeg) {

    public static final ToolVersions NONE = new ToolVersions("", "");

    /** Records what {@code nodeId} works with, and forgets nodes not started for 30 days. */
    public static void record(Jdbi jdbi, String nodeId, ToolVersions versions) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            INSERT INTO worker_tools (node_id, libvips, ffmpeg) VALUES (:node, :libvips, :ffmpeg)
                            ON CONFLICT (node_id) DO UPDATE SET libvips = EXCLUDED.libvips, ffmpeg = EXCLUDED.ffmpeg,
                                recorded_at = now()""")
                    .bind("node", nodeId).bind("libvips", versions.libvips()).bind("ffmpeg", versions.ffmpeg()).execute();
            h.createUpdate("DELETE FROM worker_tools WHERE recorded_at < now() - interval '30 days'").execute();
        });
    }

    /** What the most recently started node works with; {@link #NONE} before any node started. */
    public static ToolVersions newest(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SELECT libvips, ffmpeg FROM worker_tools ORDER BY recorded_at DESC LIMIT 1")
                .map((rs, ctx) -> new ToolVersions(rs.getString("libvips"), rs.getString("ffmpeg")))
                .findOne().orElse(NONE));
    }
}
