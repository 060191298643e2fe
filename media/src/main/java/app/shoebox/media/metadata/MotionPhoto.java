package app.shoebox.media.metadata;

/**
 * The short video an Android phone embeds in a still (a "motion photo"), as the metadata read found
 * it. The offsets come from the file itself and are hostile input: {@link Embedded} is only ever
 * made once they were checked against the file's bytes ({@link MotionPhotos#locate}).
 */
public sealed interface MotionPhoto {

    /** Where the claim came from. */
    enum Format {
        /** Google Motion Photo 1.0: XMP {@code Container:Directory} item with {@code Item:Semantic="MotionPhoto"}. */
        GOOGLE_MOTION_PHOTO("Google Motion Photo"),
        /** Google's older MicroVideo: XMP {@code GCamera:MicroVideo=1} and {@code GCamera:MicroVideoOffset}. */
        GOOGLE_MICRO_VIDEO("Google MicroVideo"),
        /** Samsung's trailer (SEFH/SEFT) entry {@code MotionPhoto_Data}, exiftool's {@code EmbeddedVideoFile}. */
        SAMSUNG("Samsung Motion Photo");

        private final String label;

        Format(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** The file claims no embedded video. */
    record None() implements MotionPhoto {
    }

    /** A checked MP4/QuickTime stream of {@code length} bytes at {@code offset}, after the still's own bytes. */
    record Embedded(Format format, long offset, long length) implements MotionPhoto {
    }

    /** The file claims a video but the claim does not hold; {@code reason} says what is wrong, for the log. */
    record Invalid(Format format, String reason) implements MotionPhoto {
    }

    MotionPhoto NONE = new None();
}
