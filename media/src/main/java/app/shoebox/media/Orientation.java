package app.shoebox.media;

import java.util.Optional;

/** EXIF orientation (tag 0x0112): how the stored pixels must be turned to display upright. */
public enum Orientation {
    NORMAL(1),
    MIRROR_HORIZONTAL(2),
    ROTATE_180(3),
    MIRROR_VERTICAL(4),
    /** Mirror horizontal and rotate 270 CW. */
    TRANSPOSE(5),
    ROTATE_90_CW(6),
    /** Mirror horizontal and rotate 90 CW. */
    TRANSVERSE(7),
    ROTATE_270_CW(8);

    private final int exifValue;

    Orientation(int exifValue) {
        this.exifValue = exifValue;
    }

    /** 1..8, as in EXIF; Immich's {@code orientation} field is this number as a string. */
    public int exifValue() {
        return exifValue;
    }

    /** Whether width and height trade places on display (orientations 5 to 8). */
    public boolean swapsDimensions() {
        return exifValue >= 5;
    }

    public static Optional<Orientation> fromExif(int value) {
        return value >= 1 && value <= 8 ? Optional.of(values()[value - 1]) : Optional.empty();
    }
}
