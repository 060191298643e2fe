package app.shoebox.media;

/** What an asset is, in Immich's terms ({@code AssetTypeEnum}). */
public enum MediaKind {
    IMAGE,
    VIDEO
}
