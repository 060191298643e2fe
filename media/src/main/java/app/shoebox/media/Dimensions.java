package app.shoebox.media;

/** Width and height in pixels, as stored in the file (before any EXIF rotation). */
public record Dimensions(int width, int height) {
    public Dimensions {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("dimensions must be positive: " + width + "x" + height);
        }
    }

    public long pixels() {
        return (long) width * height;
    }

    public int longEdge() {
        return Math.max(width, height);
    }

    /** The same image turned a quarter turn (what orientations 5 to 8 do on display). */
    public Dimensions transposed() {
        return new Dimensions(height, width);
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }
}
