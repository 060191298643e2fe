package app.shoebox.server.storage;

import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StorageTemplateTest {

    private static final UUID ID = UUID.fromString("6f1c1a8e-4a4b-4c6e-9b1a-2f3e4d5c6b7a");

    private static StorageTemplate.AssetFacts facts(String name) {
        return new StorageTemplate.AssetFacts(ID, LocalDateTime.of(2023, 7, 4, 9, 5, 3), name, ".jpg", false);
    }

    @Test
    void rendersDatesAndTheFileName() {
        assertThat(StorageTemplate.parse(StorageTemplate.DEFAULT).render(facts("IMG_0001.JPG"))).isEqualTo("2023/07/IMG_0001.jpg");
        assertThat(StorageTemplate.parse("{year}/{year}-{month}-{day}/{hour}{minute}{second}_{filetype}_{assetId}")
                .render(facts("x.jpg"))).isEqualTo("2023/2023-07-04/090503_IMG_" + ID + ".jpg");
    }

    @Test
    void hostileNamesStayInsideTheirFolder() {
        StorageTemplate t = StorageTemplate.parse("{year}/{filename}");
        assertThat(t.render(facts("../../etc/passwd.jpg"))).isEqualTo("2023/passwd.jpg");
        assertThat(t.render(facts("..\\..\\evil.jpg"))).isEqualTo("2023/evil.jpg");
        assertThat(t.render(facts("..jpg"))).isEqualTo("2023/_.jpg");
        assertThat(t.render(facts("a\u0000b\nc.jpg"))).isEqualTo("2023/a_b_c.jpg");
        assertThat(t.render(facts("x".repeat(400) + ".jpg")).length()).isLessThan(220);
    }

    @Test
    void badTemplatesAreRefusedWithAReason() {
        assertThatThrownBy(() -> StorageTemplate.parse("{year}/{nope}/{filename}")).hasMessageContaining("{nope}");
        assertThatThrownBy(() -> StorageTemplate.parse("/abs/{filename}")).hasMessageContaining("relative");
        assertThatThrownBy(() -> StorageTemplate.parse("{year}/../{filename}")).hasMessageContaining("'..'");
        assertThatThrownBy(() -> StorageTemplate.parse("{year}/{month}")).hasMessageContaining("{filename}");
        assertThatThrownBy(() -> StorageTemplate.parse("  ")).hasMessageContaining("empty");
    }

    @Test
    void collisionsGetANumberedSuffix() {
        assertThat(StorageTemplate.withSuffix("2023/07/a.jpg", 0)).isEqualTo("2023/07/a.jpg");
        assertThat(StorageTemplate.withSuffix("2023/07/a.jpg", 2)).isEqualTo("2023/07/a+2.jpg");
        assertThat(StorageTemplate.withSuffix("2023/v1.0/a", 1)).isEqualTo("2023/v1.0/a+1");
    }
}
