package app.shoebox.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Android motion photos built the way phones write them, for tests: a real JPEG still, an MP4 made
 * by ffmpeg, and Google's XMP written into the still by exiftool (or Samsung's trailer written as
 * exiftool's Samsung.pm reads it), the video appended after the still's end. No real Android
 * motion photo is in the repository's reachable sources, so these follow the published formats:
 * Google's Motion Photo 1.0 ({@code Container:Directory}), the older MicroVideo
 * ({@code GCamera:MicroVideoOffset}) and Samsung's SEFH/SEFT trailer.
 *
 * <p>The numbers are strings so that tests can write hostile ones ("0", "-5", "abc", larger than
 * the file). Needs exiftool and ffmpeg on the PATH; a missing tool is an {@link IOException}.
 */
public final class MotionPhotoFiles {

    private MotionPhotoFiles() {
    }

    /** A one-second 160x120 MP4 from ffmpeg's test pattern; a different {@code seed} gives different bytes. */
    public static byte[] mp4(int seed) throws IOException {
        Path dir = TestFolders.create("motion-mp4");
        try {
            Path clip = dir.resolve("clip.mp4");
            run("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=1:size=160x120:rate=10",
                    "-pix_fmt", "yuv420p", "-metadata", "title=clip " + seed, clip.toString());
            return Files.readAllBytes(clip);
        } finally {
            deleteFolder(dir);
        }
    }

    /** Google Motion Photo 1.0: the still's XMP names a MotionPhoto item of {@code length} bytes (and padding) from the end. */
    public static byte[] googleMotionPhoto(byte[] still, byte[] appended, String length, String padding) throws IOException {
        return concat(withXmp(still, googleXmp(length, padding), ".jpg"), appended);
    }

    /**
     * A HEIC motion photo as Google's format (and Samsung) write it: the same XMP, the video in a
     * top-level 'mpvd' box at the end (libheif refuses a HEIC with a second top-level ftyp).
     * {@code length} is what the XMP claims.
     */
    public static byte[] heicMotionPhoto(byte[] heic, byte[] video, String length) throws IOException {
        ByteBuffer box = ByteBuffer.allocate(8).putInt(8 + video.length).put("mpvd".getBytes(StandardCharsets.US_ASCII));
        return concat(withXmp(heic, googleXmp(length, "0"), ".heic"), box.array(), video);
    }

    /** The still with Google's Motion Photo XMP claiming {@code length} bytes (and padding) from the end, nothing appended. */
    public static byte[] heicWithClaim(byte[] heic, String length) throws IOException {
        return withXmp(heic, googleXmp(length, "0"), ".heic");
    }

    private static String googleXmp(String length, String padding) {
        return """
                <x:xmpmeta xmlns:x="adobe:ns:meta/">
                 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
                  <rdf:Description rdf:about=""
                    xmlns:GCamera="http://ns.google.com/photos/1.0/camera/"
                    xmlns:Container="http://ns.google.com/photos/1.0/container/"
                    xmlns:Item="http://ns.google.com/photos/1.0/container/item/"
                    GCamera:MotionPhoto="1" GCamera:MotionPhotoVersion="1" GCamera:MotionPhotoPresentationTimestampUs="433000">
                   <Container:Directory>
                    <rdf:Seq>
                     <rdf:li rdf:parseType="Resource">
                      <Container:Item Item:Mime="image/jpeg" Item:Semantic="Primary" Item:Length="0" Item:Padding="0"/>
                     </rdf:li>
                     <rdf:li rdf:parseType="Resource">
                      <Container:Item Item:Mime="video/mp4" Item:Semantic="MotionPhoto" Item:Length="%s" Item:Padding="%s"/>
                     </rdf:li>
                    </rdf:Seq>
                   </Container:Directory>
                  </rdf:Description>
                 </rdf:RDF>
                </x:xmpmeta>""".formatted(length, padding);
    }

    /** Google's older MicroVideo: {@code GCamera:MicroVideo=1} and the offset of the video from the end. */
    public static byte[] microVideo(byte[] still, byte[] appended, String offset) throws IOException {
        String xmp = """
                <x:xmpmeta xmlns:x="adobe:ns:meta/">
                 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
                  <rdf:Description rdf:about="" xmlns:GCamera="http://ns.google.com/photos/1.0/camera/"
                    GCamera:MicroVideo="1" GCamera:MicroVideoVersion="1" GCamera:MicroVideoOffset="%s"
                    GCamera:MicroVideoPresentationTimestampUs="500000"/>
                 </rdf:RDF>
                </x:xmpmeta>""".formatted(offset);
        return concat(withXmp(still, xmp, ".jpg"), appended);
    }

    /**
     * Samsung's motion photo: after the JPEG, a trailer block of type 0x0a30 named
     * "MotionPhoto_Data" holding the video, then the SEFH directory (version 106, one entry: type,
     * distance back from the directory, block size), its length and "SEFT", all little-endian.
     * {@code sizeSkew} is added to the block size the directory states (0 for a faithful file).
     */
    public static byte[] samsung(byte[] still, byte[] video, long sizeSkew) {
        byte[] name = "MotionPhoto_Data".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer block = ByteBuffer.allocate(8 + name.length).order(ByteOrder.LITTLE_ENDIAN);
        block.putShort((short) 0).putShort((short) 0x0a30).putInt(name.length).put(name);
        long blockSize = 8L + name.length + video.length;
        ByteBuffer dir = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        dir.put("SEFH".getBytes(StandardCharsets.US_ASCII)).putInt(106).putInt(1)
                .putShort((short) 0).putShort((short) 0x0a30).putInt((int) blockSize).putInt((int) (blockSize + sizeSkew));
        ByteBuffer end = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        end.putInt(dir.capacity()).put("SEFT".getBytes(StandardCharsets.US_ASCII));
        return concat(still, block.array(), video, dir.array(), end.array());
    }

    /** The still with {@code xmp} as its XMP packet, written by exiftool; {@code extension} tells exiftool the format. */
    public static byte[] withXmp(byte[] still, String xmp, String extension) throws IOException {
        Path dir = TestFolders.create("motion-xmp");
        try {
            Path jpeg = dir.resolve("still" + extension);
            Path packet = dir.resolve("packet.xmp");
            Files.write(jpeg, still);
            Files.writeString(packet, xmp);
            run("exiftool", "-q", "-overwrite_original", "-xmp<=" + packet, jpeg.toString());
            return Files.readAllBytes(jpeg);
        } finally {
            deleteFolder(dir);
        }
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static void deleteFolder(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    private static void run(String... command) throws IOException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted", e));
        }
    }
}
