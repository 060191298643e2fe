package app.shoebox.media;

import java.nio.file.Path;

/**
 * Why a media operation on one file failed, and whether trying again can help.
 *
 * <p>{@link #permanent()} is the contract with the job engine: a permanent failure (corrupt,
 * truncated, empty, mislabelled, too large, a format this installation cannot decode) will fail
 * the same way on every try, so the job is discarded; a transient one (an I/O error, a tool that
 * ran out of time) may succeed later, so the job is retried. The message names the file and says
 * what to do.
 */
public final class MediaException extends Exception {

    /** The closed set of failure causes; each one is permanent or not. */
    public enum Reason {
        /** Zero bytes. */
        EMPTY(true),
        /** Bytes that are not the format the file claims (random bytes named .jpg, text named .mp4). */
        MISLABELLED(true),
        /** A decoder found the content broken or cut short. */
        CORRUPT(true),
        /** The header claims more pixels than the limit allows (decompression bomb). */
        TOO_LARGE(true),
        /** This installation cannot decode the format (for example HEIC without libvips). */
        UNSUPPORTED(true),
        /** The file is not there. */
        NOT_FOUND(true),
        /** Reading the source or writing the output failed; the disk or the mount may come back. */
        IO(false),
        /** A tool (ffmpeg, vipsthumbnail, ffprobe) ran longer than its limit and was killed. */
        TIMEOUT(false);

        private final boolean permanent;

        Reason(boolean permanent) {
            this.permanent = permanent;
        }

        public boolean permanent() {
            return permanent;
        }
    }

    private final Reason reason;
    private final Path file;

    public MediaException(Reason reason, Path file, String message) {
        this(reason, file, message, null);
    }

    public MediaException(Reason reason, Path file, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.file = file;
    }

    public Reason reason() {
        return reason;
    }

    /** The file the operation was about (the source, not a temporary output). */
    public Path file() {
        return file;
    }

    /** True when retrying cannot help: the job should be discarded. */
    public boolean permanent() {
        return reason.permanent();
    }
}
