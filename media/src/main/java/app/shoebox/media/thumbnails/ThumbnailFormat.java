package app.shoebox.media.thumbnails;

/** The encodings thumbnails are written in. */
public enum ThumbnailFormat {
    WEBP("webp", "image/webp"),
    JPEG("jpeg", "image/jpeg");

    private final String extension;
    private final String mimeType;

    ThumbnailFormat(String extension, String mimeType) {
        this.extension = extension;
        this.mimeType = mimeType;
    }

    /** Without the dot. */
    public String extension() {
        return extension;
    }

    public String mimeType() {
        return mimeType;
    }
}
