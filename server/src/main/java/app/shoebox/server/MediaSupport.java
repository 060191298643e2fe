package app.shoebox.server;

import app.shoebox.media.FileType;
import app.shoebox.media.MediaKind;
import app.shoebox.server.serverinfo.ServerInfoRoutes;

import java.util.List;

/** What this installation can decode, as reported to clients. */
final class MediaSupport {

    private MediaSupport() {
    }

    static ServerInfoRoutes.MediaTypes mediaTypes() {
        return new ServerInfoRoutes.MediaTypes(FileType.extensionsOf(MediaKind.IMAGE),
                FileType.extensionsOf(MediaKind.VIDEO), List.of(".xmp"));
    }


    /** The version of the exiftool on the PATH, as {@code exiftool -ver} prints it; empty when there is none. */
    static String exiftoolVersion() {
        return app.shoebox.media.NativeTools.find("exiftool").map(path -> {
            try {
                var result = app.shoebox.media.ProcessRunner.run(List.of(path.toString(), "-ver"), java.time.Duration.ofSeconds(30), path);
                String v = result.stdout().strip();
                return result.succeeded() && v.matches("\\d+\\.\\d+.*") ? v : "";
            } catch (app.shoebox.media.MediaException e) {
                return "";
            }
        }).orElse("");
    }
}
