package app.shoebox.client.api;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultipartBodyTest {

    @Test
    void theDeclaredLengthIsTheLengthSentAndFilesAreStreamedAsTheyAre() throws IOException {
        byte[] file = new byte[100_000];
        new java.util.Random(1).nextBytes(file);
        MultipartBody body = new MultipartBody().field("fileCreatedAt", "2024-01-01T00:00:00Z").field("filename", "été.jpg")
                .file("assetData", "été \"1\".jpg", file.length, "/photos/été.jpg", () -> new ByteArrayInputStream(file));
        byte[] sent = body.toBytes();
        assertThat((long) sent.length).isEqualTo(body.length());
        String text = new String(sent, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("name=\"assetData\"; filename=\"").contains("%221%22.jpg\"");
        int start = text.indexOf("\r\n\r\n", text.indexOf("name=\"assetData\"")) + 4;
        byte[] back = java.util.Arrays.copyOfRange(sent, start, start + file.length);
        assertThat(back).isEqualTo(file);
        assertThat(text).endsWith("--\r\n");
    }

    @Test
    void aFileThatChangedSizeFailsTheBodyNamingTheFile() {
        MultipartBody shorter = new MultipartBody().file("assetData", "a.jpg", 10, "/photos/a.jpg",
                () -> new ByteArrayInputStream(new byte[7]));
        assertThatThrownBy(shorter::toBytes).hasMessageContaining("/photos/a.jpg").hasMessageContaining("changed");
        MultipartBody longer = new MultipartBody().file("assetData", "a.jpg", 10, "/photos/a.jpg",
                () -> new ByteArrayInputStream(new byte[12]));
        assertThatThrownBy(longer::toBytes).hasMessageContaining("/photos/a.jpg").hasMessageContaining("grew");
    }

    @Test
    void aFileThatCannotBeOpenedNamesItself() {
        MultipartBody gone = new MultipartBody().file("assetData", "a.jpg", 10, "/photos/a.jpg", () -> {
            throw new java.nio.file.NoSuchFileException("/photos/a.jpg");
        });
        assertThatThrownBy(gone::toBytes).hasMessageContaining("cannot read /photos/a.jpg");
    }
}
