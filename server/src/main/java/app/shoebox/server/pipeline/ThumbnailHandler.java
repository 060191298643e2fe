package app.shoebox.server.pipeline;

import app.shoebox.jobs.JobContext;
import app.shoebox.jobs.JobOutcome;
import app.shoebox.media.FileType;
import app.shoebox.media.MediaException;
import app.shoebox.media.hash.PerceptualHash;
import app.shoebox.media.hash.ThumbHash;
import app.shoebox.media.thumbnails.Thumbnailer;
import app.shoebox.media.thumbnails.Thumbnails;
import app.shoebox.media.video.PosterFrame;
import app.shoebox.server.live.CatalogueEvents;
import app.shoebox.server.live.ClientEvent;
import app.shoebox.server.storage.LibraryPaths;
import org.jdbi.v3.core.Jdbi;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Makes an asset's thumbnail and preview (a video's from its poster frame), its perceptual hash and
 * its thumbhash (the placeholder clients show while the thumbnail loads), both from the preview. Thumbnails live in
 * {@code thumbs/<owner>/<aa>/<bb>/<asset>-thumbnail.webp|jpeg} and {@code ...-preview.jpeg}.
 */
final class ThumbnailHandler implements AssetStep {

    /** What a video without ffmpeg gets instead of a thumbnail; the job completes, nothing retries. */
    static final String NO_POSTER = "no poster: ffmpeg missing";

    private final Jdbi jdbi;
    private final Path library;
    private final Thumbnailer thumbnailer;
    private final PosterFrame posters;

    ThumbnailHandler(Jdbi jdbi, Path library, Thumbnailer thumbnailer, PosterFrame posters) {
        this.jdbi = jdbi;
        this.library = library;
        this.thumbnailer = thumbnailer;
        this.posters = posters;
    }

    static String thumbnailFolder(UUID ownerId, UUID assetId) {
        String hex = assetId.toString().replace("-", "");
        return "thumbs/" + ownerId + "/" + hex.substring(0, 2) + "/" + hex.substring(2, 4);
    }

    @Override
    public Result run(Input in) throws Exception {
        JobContext ctx = in.ctx();
        PipelineAsset asset = in.asset();
        UUID id = asset.id();
        String folder = thumbnailFolder(asset.ownerId(), id);
        Path outDir = library.resolve(folder);
        Path original = library.resolve(asset.originalPath());
        Thumbnails made;
        try {
            Files.createDirectories(outDir);
            if (asset.video()) {
                Path frame = outDir.resolve(id + "-poster.jpeg");
                try {
                    PosterFrame.Outcome poster = posters.extract(original, in.fileType(), frame);
                    if (poster instanceof PosterFrame.Outcome.Unavailable u) {
                        ProcessingErrors.record(jdbi, id, ctx.kind(),
                                NO_POSTER + " (" + LibraryPaths.relative(library, u.reason()) + ")");
                        return Result.ended(JobOutcome.complete());
                    }
                    made = thumbnailer.generate(frame, FileType.JPEG, outDir, id.toString());
                } finally {
                    Files.deleteIfExists(frame);
                }
            } else {
                // A type no path here may decode is a permanent UNSUPPORTED from generate, saying why
                // (libvips missing, or only a loader Shoebox does not let libvips use reads it).
                made = thumbnailer.generate(original, in.fileType(), outDir, id.toString());
            }
        } catch (MediaException e) {
            return Result.ended(ProcessingErrors.of(jdbi, ctx, asset, e));
        } catch (IOException e) {
            return Result.ended(JobOutcome.retry("cannot write thumbnails of " + asset.originalFileName() + " to " + outDir + ": " + e));
        }
        long hash;
        byte[] thumbhash;
        try {
            // Both hashes from the thumbnailer's small image, or from one decode of the preview where
            // it has none; the original is decoded once, by the thumbnailer.
            BufferedImage preview = made.hashImage().isPresent() ? made.hashImage().get() : PerceptualHash.decode(made.previewPath());
            hash = PerceptualHash.of(preview);
            thumbhash = ThumbHash.of(preview);
        } catch (MediaException e) {
            return Result.ended(JobOutcome.retry("cannot hash the preview of " + asset.originalFileName() + ": " + e.getMessage()));
        }
        String thumb = folder + "/" + made.thumbnailPath().getFileName();
        String preview = folder + "/" + made.previewPath().getFileName();
        return Result.done(tx -> {
            try (PreparedStatement ps = tx.prepareStatement("""
                    UPDATE assets SET thumbnail_path = ?, preview_path = ?, phash = ?, thumbhash = ?,
                        width = coalesce(width, ?), height = coalesce(height, ?)
                    WHERE id = ?""")) {
                ps.setString(1, thumb);
                ps.setString(2, preview);
                ps.setLong(3, hash);
                ps.setBytes(4, thumbhash);
                ps.setInt(5, made.width());
                ps.setInt(6, made.height());
                ps.setObject(7, id);
                ps.executeUpdate();
            }
            CatalogueEvents.publish(tx, ClientEvent.ASSET_UPDATE, asset.ownerId(), List.of(id));
        });
    }
}
