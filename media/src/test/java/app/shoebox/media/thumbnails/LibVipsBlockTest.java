package app.shoebox.media.thumbnails;

import app.shoebox.media.FileType;
import app.shoebox.media.MediaException;
import app.shoebox.media.NativeToolsForTests;
import app.shoebox.media.ProcessRunner;
import app.shoebox.media.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * libvips may read uploaded files only with the loaders it trusts: an SVG with a script, PostScript,
 * PDF, a PPM or Matlab text file, a BMP, a Photoshop or Cineon file reach ImageMagick or a loader
 * libvips marks unsafe, and are refused however they are named. Each is first shown to be readable
 * by a libvips without the block, so the refusal is the block's doing.
 */
class LibVipsBlockTest {

    @TempDir
    Path dir;

    static LibVips vips() {
        return LibVips.load().vips().orElseGet(() -> {
            NativeToolsForTests.missing("libvips cannot be loaded in-process");
            return null;
        });
    }

    Path hostile(String format) throws Exception {
        Path png = TestImages.write(TestImages.quadrants(64, 48), "png", dir.resolve("src.png"));
        Path file = dir.resolve("hostile." + format);
        String vipsTool = NativeToolsForTests.require("vips").toString();
        switch (format) {
            case "svg" -> Files.writeString(file, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"48\">"
                    + "<script>alert(document.domain)</script><rect width=\"64\" height=\"48\" fill=\"red\"/></svg>");
            case "ppm" -> Files.writeString(file, "P3\n2 2\n255\n0 0 0 255 255 255 0 0 0 255 255 255\n");
            case "mat" -> Files.writeString(file, "2 2\n1 2\n3 4\n");
            case "pdf" -> Files.write(file, minimalPdf());
            case "bmp" -> TestImages.write(TestImages.quadrants(64, 48), "bmp", file);
            case "psd" -> NativeToolsForTests.run(vipsTool, "magicksave", png.toString(), file.toString(), "--format", "psd");
            default -> throw new IllegalArgumentException(format);
        }
        return file;
    }

    @ParameterizedTest
    @ValueSource(strings = {"svg", "ppm", "mat", "pdf", "bmp", "psd"})
    void aFileOnlyAnUntrustedLoaderReadsIsRefusedInProcess(String format) throws Exception {
        LibVips vips = vips();
        Path file = hostile(format);
        // Another process, without the block, reads it: the loader exists on this machine.
        NativeToolsForTests.run(NativeToolsForTests.require("vips").toString(), "copy", file.toString(), dir.resolve("ok.v").toString());

        assertThatThrownBy(() -> vips.thumbnail(file.toString(), 100, false)).isInstanceOf(LibVips.VipsError.class);
        assertThatThrownBy(() -> vips.open(file.toString())).isInstanceOf(LibVips.VipsError.class);
        // Named as a PNG, it is still what its bytes are.
        Path renamed = Files.copy(file, dir.resolve("looks-fine.png"));
        assertThatThrownBy(() -> vips.thumbnail(renamed.toString(), 100, false)).isInstanceOf(LibVips.VipsError.class);
    }

    @Test
    void trustedLoadersStillRead() throws Throwable {
        LibVips vips = vips();
        Path png = TestImages.write(TestImages.quadrants(64, 48), "png", dir.resolve("fine.png"));
        try (var image = vips.thumbnail(png.toString(), 32, false)) {
            assertThat(image.width()).isEqualTo(32);
        }
    }

    @Test
    void theVipsthumbnailProcessRunsWithTheUntrustedLoadersBlocked() throws Exception {
        Path thumbnailer = NativeToolsForTests.require("vipsthumbnail");
        Path svg = hostile("svg");
        List<String> command = List.of(thumbnailer.toString(), svg.toString(), "-o", dir.resolve("out.jpeg").toString());

        assertThat(ProcessRunner.run(command, Duration.ofSeconds(30), svg).succeeded()).as("without the block").isTrue();
        var blocked = ProcessRunner.run(command, VipsThumbnailProcess.BLOCK_UNTRUSTED, Duration.ofSeconds(30), svg);
        assertThat(blocked.succeeded()).isFalse();
        assertThat(blocked.stderr()).containsAnyOf("blocked", "not a known file format");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffm", "vipsthumbnail"})
    void theLibvipsPathsRefuseWhatTheirBytesMakeUntrusted(String path) throws Exception {
        Thumbnailer thumbnailer = NativeToolsForTests.thumbnailer(path);
        // A Cineon file: libvips reads it only through ImageMagick.
        byte[] cin = new byte[2048];
        System.arraycopy(new byte[] {(byte) 0x80, 0x2A, 0x5F, (byte) 0xD7}, 0, cin, 0, 4);
        Path file = Files.write(dir.resolve("scan.cin"), cin);
        Path bmpAsJpeg = Files.copy(hostile("bmp"), dir.resolve("bitmap.jpg"));

        for (var c : List.of(Map.entry(file, FileType.CIN), Map.entry(bmpAsJpeg, FileType.JPEG))) {
            assertThatThrownBy(() -> thumbnailer.generate(c.getKey(), c.getValue(), dir.resolve("out")))
                    .isInstanceOfSatisfying(MediaException.class, e -> {
                        assertThat(e.reason()).isEqualTo(MediaException.Reason.UNSUPPORTED);
                        assertThat(e.permanent()).isTrue();
                        assertThat(e.getMessage()).contains(c.getKey().toString()).contains("ImageMagick");
                    });
        }
    }

    private static byte[] minimalPdf() {
        String body = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
                + "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 64 48]>>endobj\n";
        int xref = body.length();
        String pdf = body + "xref\n0 4\n0000000000 65535 f \n" + offsets(body) + "trailer<</Size 4/Root 1 0 R>>\nstartxref\n" + xref + "\n%%EOF\n";
        return pdf.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String offsets(String body) {
        StringBuilder out = new StringBuilder();
        for (int n = 1; n <= 3; n++) {
            out.append(String.format("%010d 00000 n \n", body.indexOf(n + " 0 obj")));
        }
        return out.toString();
    }
}
