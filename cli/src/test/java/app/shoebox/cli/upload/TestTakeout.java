package app.shoebox.cli.upload;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes Takeout parts as Google does: zips and tgzs of {@code Takeout/Google Photos/<folder>/...}. */
final class TestTakeout {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String ROOT = "Takeout/Google Photos/";

    record Entry(String name, byte[] content) {
    }

    private final List<Entry> entries = new ArrayList<>();

    TestTakeout add(String name, byte[] content) {
        entries.add(new Entry(name, content));
        return this;
    }

    /** A file under {@code Takeout/Google Photos/}. */
    TestTakeout photo(String folderAndName, byte[] content) {
        return add(ROOT + folderAndName, content);
    }

    void zip(Path file) {
        zip(file, false);
    }

    /** A zip whose members are stored, not compressed: their bytes lie in the file as they are. */
    void zipStored(Path file) {
        zip(file, true);
    }

    private void zip(Path file, boolean stored) {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Entry e : entries) {
                ZipEntry z = new ZipEntry(e.name());
                if (stored) {
                    z.setMethod(ZipEntry.STORED);
                    z.setSize(e.content().length);
                    z.setCompressedSize(e.content().length);
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(e.content());
                    z.setCrc(crc.getValue());
                }
                z.setLastModifiedTime(FileTime.from(Instant.parse("2024-06-01T00:00:00Z")));
                out.putNextEntry(z);
                out.write(e.content());
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void tgz(Path file) {
        try (OutputStream f = Files.newOutputStream(file); GZIPOutputStream gz = new GZIPOutputStream(f);
             TarArchiveOutputStream out = new TarArchiveOutputStream(gz)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry e : entries) {
                TarArchiveEntry t = new TarArchiveEntry(e.name(), true);
                t.setSize(e.content().length);
                t.setModTime(Instant.parse("2024-06-01T00:00:00Z").toEpochMilli());
                out.putArchiveEntry(t);
                out.write(e.content());
                out.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A photo's sidecar as Google writes it. */
    static byte[] sidecar(String title, Instant taken, Double lat, Double lon, String description, boolean favorite, boolean archived,
                          boolean trashed) {
        ObjectNode n = JSON.createObjectNode();
        n.put("title", title);
        n.put("description", description == null ? "" : description);
        n.put("imageViews", "3");
        n.putObject("creationTime").put("timestamp", "1700000000").put("formatted", "Nov 14, 2023, 10:13:20 PM UTC");
        n.putObject("photoTakenTime").put("timestamp", String.valueOf(taken.getEpochSecond())).put("formatted", taken.toString());
        ObjectNode geo = n.putObject("geoData");
        geo.put("latitude", lat == null ? 0.0 : lat).put("longitude", lon == null ? 0.0 : lon).put("altitude", 0.0);
        ObjectNode exif = n.putObject("geoDataExif");
        exif.put("latitude", 0.0).put("longitude", 0.0).put("altitude", 0.0);
        n.put("url", "https://photos.google.com/photo/AF1Qip");
        if (favorite) {
            n.put("favorited", true);
        }
        if (archived) {
            n.put("archived", true);
        }
        if (trashed) {
            n.put("trashed", true);
        }
        n.putObject("googlePhotosOrigin").putObject("mobileUpload").put("deviceType", "ANDROID_PHONE");
        return n.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A photo's sidecar with whatever its {@code photoTakenTime} and description say, however odd. */
    static String sidecarJson(String title, String timestamp, String description) {
        ObjectNode n = JSON.createObjectNode();
        n.put("title", title);
        n.put("description", description);
        n.putObject("photoTakenTime").put("timestamp", timestamp);
        n.put("url", "https://photos.google.com/photo/AF1Qip");
        return n.toString();
    }

    static byte[] sidecar(String title, Instant taken) {
        return sidecar(title, taken, null, null, null, false, false, false);
    }

    /** An album folder's {@code metadata.json}. */
    static byte[] album(String title) {
        ObjectNode n = JSON.createObjectNode();
        n.put("title", title);
        n.put("description", "");
        n.put("access", "protected");
        n.putObject("date").put("timestamp", "1562000000").put("formatted", "Jul 1, 2019");
        return n.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
