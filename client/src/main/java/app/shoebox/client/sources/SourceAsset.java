package app.shoebox.client.sources;

import app.shoebox.client.api.ServerInfo;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One file to upload, as a source found it.
 *
 * @param path       how the user knows the file: a path, or {@code archive.zip!member}
 * @param fileName   the name the server keeps
 * @param key        identity for the hash cache and the journal
 * @param xmp        an XMP sidecar to upload with it
 * @param metadata   what the source says about it beyond its bytes
 * @param albums     albums it belongs in
 * @param notes      caveats to report (for example: no JSON sidecar matched)
 * @param lane       files of the same lane are uploaded one at a time, in order (members of a
 *                   compressed tar, which can only be read forwards); empty for files read in any order
 */
public record SourceAsset(String path, String fileName, ServerInfo.AssetType type, long size, Instant modifiedAt, ItemKey key,
                          Content content, Optional<SidecarFile> xmp, Metadata metadata, Set<String> albums,
                          List<String> notes, Optional<String> lane) {

    /** A sidecar file sent with its asset. */
    public record SidecarFile(String fileName, long size, String path, Content content) {
    }

    public SourceAsset {
        albums = Set.copyOf(albums);
        notes = List.copyOf(notes);
    }

    public SourceAsset withMetadata(Metadata m) {
        return new SourceAsset(path, fileName, type, size, modifiedAt, key, content, xmp, m, albums, notes, lane);
    }

    public SourceAsset withNote(String note) {
        List<String> n = new java.util.ArrayList<>(notes);
        n.add(note);
        return new SourceAsset(path, fileName, type, size, modifiedAt, key, content, xmp, metadata, albums, n, lane);
    }
}
