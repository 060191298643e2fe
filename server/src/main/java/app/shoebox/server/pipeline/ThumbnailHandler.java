package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobClient;
import app.shoebox.jobs.JobContext;
import app.shoebox.jobs.JobHandler;
import app.shoebox.jobs.JobOutcome;
import app.shoebox.media.FileType;
import app.shoebox.media.MediaException;
import app.shoebox.media.hash.PerceptualHash;
import app.shoebox.media.thumbnails.Thumbnailer;
import app.shoebox.media.thumbnails.Thumbnails;
import app.shoebox.media.video.PosterFrame;
import app.shoebox.server.live.CatalogueEvents;
import app.shoebox.server.live.ClientEvent;
import app.shoebox.server.storage.LibraryPaths;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Makes an asset's thumbnail and preview (a video's from its poster frame) and its perceptual hash,
 * then queues duplicate detection in the same transaction. Thumbnails live in
 * {@code thumbs/<owner>/<aa>/<bb>/<asset>-thumbnail.webp|jpeg} and {@code ...-preview.jpeg}.
 */
final class ThumbnailHandler implements JobHandler {

    /** What a video without ffmpeg gets instead of a thumbnail; the job completes, nothing retries. */
    static final String NO_POSTER = "no poster: ffmpeg missing";

    private final Jdbi jdbi;
    private final Path library;
    private final JobClient jobs;
    private final Thumbnailer thumbnailer;
    private final PosterFrame posters;

    ThumbnailHandler(Jdbi jdbi, Path library, JobClient jobs, Thumbnailer thumbnailer, PosterFrame posters) {
        this.jdbi = jdbi;
        this.library = library;
        this.jobs = jobs;
        this.thumbnailer = thumbnailer;
        this.posters = posters;
    }

    static String thumbnailFolder(UUID ownerId, UUID assetId) {
        String hex = assetId.toString().replace("-", "");
        return "thumbs/" + ownerId + "/" + hex.substring(0, 2) + "/" + hex.substring(2, 4);
    }

    @Override
    public JobOutcome handle(JobContext ctx) throws Exception {
        UUID id = AssetJobs.assetId(ctx);
        Optional<PipelineAsset> found = PipelineAsset.load(jdbi, id);
        if (found.isEmpty()) {
            return JobOutcome.cancel("asset " + id + " was deleted");
        }
        PipelineAsset asset = found.get();
        Optional<FileType> type = FileType.fromFileName(asset.originalPath());
        if (type.isEmpty()) {
            return JobOutcome.discard("cannot make a thumbnail of " + asset.originalFileName()
                    + ": unknown file type");
        }
        String folder = thumbnailFolder(asset.ownerId(), id);
        Path outDir = library.resolve(folder);
        Path original = library.resolve(asset.originalPath());
        Thumbnails made;
        try {
            Files.createDirectories(outDir);
            if (asset.video()) {
                Path frame = outDir.resolve(id + "-poster.jpeg");
                try {
                    PosterFrame.Outcome poster = posters.extract(original, type.get(), frame);
                    if (poster instanceof PosterFrame.Outcome.Unavailable u) {
                        ProcessingErrors.record(jdbi, id, ctx.kind(),
                                NO_POSTER + " (" + LibraryPaths.relative(library, u.reason()) + ")");
                        return JobOutcome.complete();
                    }
                    made = thumbnailer.generate(frame, FileType.JPEG, outDir, id.toString());
                } finally {
                    Files.deleteIfExists(frame);
                }
            } else {
                // A type no path here may decode is a permanent UNSUPPORTED from generate, saying why
                // (libvips missing, or only a loader Shoebox does not let libvips use reads it).
                made = thumbnailer.generate(original, type.get(), outDir, id.toString());
            }
        } catch (MediaException e) {
            return ProcessingErrors.of(jdbi, ctx, asset, e);
        } catch (IOException e) {
            return JobOutcome.retry("cannot write thumbnails of " + asset.originalFileName() + " to " + outDir + ": " + e);
        }
        long hash;
        try {
            hash = PerceptualHash.of(made.previewPath());
        } catch (MediaException e) {
            return JobOutcome.retry("cannot hash the preview of " + asset.originalFileName() + ": " + e.getMessage());
        }
        String thumb = folder + "/" + made.thumbnailPath().getFileName();
        String preview = folder + "/" + made.previewPath().getFileName();
        ctx.completeInTransaction(tx -> {
            try (PreparedStatement ps = tx.prepareStatement("""
                    UPDATE assets SET thumbnail_path = ?, preview_path = ?, phash = ?,
                        width = coalesce(width, ?), height = coalesce(height, ?)
                    WHERE id = ?""")) {
                ps.setString(1, thumb);
                ps.setString(2, preview);
                ps.setLong(3, hash);
                ps.setInt(4, made.width());
                ps.setInt(5, made.height());
                ps.setObject(6, id);
                ps.executeUpdate();
            }
            ProcessingErrors.clear(tx, id, ctx.kind());
            CatalogueEvents.publish(tx, ClientEvent.ASSET_UPDATE, asset.ownerId(), List.of(id));
            AssetJobs.next(jobs, tx, AssetJobs.DETECT_DUPLICATES, id);
        });
        return JobOutcome.complete();
    }
}
