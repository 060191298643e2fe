package app.shoebox.server;

import app.shoebox.server.serverinfo.ServerInfoRoutes;

import java.util.List;

/** What this installation can decode, as reported to clients. */
final class MediaSupport {

    private MediaSupport() {
    }

    static ServerInfoRoutes.MediaTypes mediaTypes() {
        return new ServerInfoRoutes.MediaTypes(
                List.of(".3fr", ".ari", ".arw", ".avif", ".bmp", ".cap", ".cin", ".cr2", ".cr3", ".crw", ".dcr", ".dng",
                        ".erf", ".fff", ".gif", ".heic", ".heif", ".hif", ".iiq", ".insp", ".jp2", ".jpe", ".jpeg", ".jpg",
                        ".jxl", ".k25", ".kdc", ".mrw", ".nef", ".nrw", ".orf", ".ori", ".pef", ".png", ".psd", ".raf",
                        ".raw", ".rw2", ".rwl", ".sr2", ".srf", ".srw", ".svg", ".tif", ".tiff", ".webp", ".x3f"),
                List.of(".3gp", ".3gpp", ".avi", ".flv", ".insv", ".m2t", ".m2ts", ".m4v", ".mkv", ".mov", ".mp4",
                        ".mpe", ".mpeg", ".mpg", ".mts", ".vob", ".webm", ".wmv"),
                List.of(".xmp"));
    }

    static String libvipsVersion() {
        return "";
    }

    static String ffmpegVersion() {
        return "";
    }
}
