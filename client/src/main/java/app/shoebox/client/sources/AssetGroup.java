package app.shoebox.client.sources;

import java.util.List;
import java.util.Optional;

/**
 * Files that go to the server together. A live photo's still and motion part are linked (the
 * video is uploaded first, the still points at it); a stack's members are stacked behind the
 * first, which is the cover.
 */
public record AssetGroup(Kind kind, List<SourceAsset> members) {

    public enum Kind { SINGLE, LIVE_PHOTO, STACK }

    public AssetGroup {
        members = List.copyOf(members);
        if (members.isEmpty() || (kind == Kind.SINGLE) != (members.size() == 1) || kind == Kind.LIVE_PHOTO && members.size() != 2) {
            throw new IllegalArgumentException(kind + " of " + members.size() + " files");
        }
    }

    public static AssetGroup single(SourceAsset a) {
        return new AssetGroup(Kind.SINGLE, List.of(a));
    }

    /** A live photo: the still first, the motion part second. */
    public static AssetGroup livePhoto(SourceAsset still, SourceAsset motion) {
        return new AssetGroup(Kind.LIVE_PHOTO, List.of(still, motion));
    }

    /** The lane of the group: the first member's. */
    public Optional<String> lane() {
        return members.getFirst().lane();
    }
}
