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
}
