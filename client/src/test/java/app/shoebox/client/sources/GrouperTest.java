package app.shoebox.client.sources;

import app.shoebox.client.api.ServerInfo;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class GrouperTest {

    private static SourceAsset file(String name) {
        ServerInfo.AssetType type = name.toLowerCase().matches(".*\\.(mov|mp4)$") ? ServerInfo.AssetType.VIDEO : ServerInfo.AssetType.IMAGE;
        return new SourceAsset("/p/" + name, name, type, 1, Instant.EPOCH, ItemKey.of(name, "1"),
                () -> new ByteArrayInputStream(new byte[1]), Optional.empty(), Metadata.NONE, Set.of(), List.of(), Optional.empty());
    }

    private static List<String> shape(List<AssetGroup> groups) {
        return groups.stream().map(g -> g.kind() + g.members().stream().map(SourceAsset::fileName).toList().toString()).toList();
    }

    @Test
    void aStillAndAVideoOfTheSameNameAreALivePhoto() {
        List<AssetGroup> g = Grouper.group(List.of(file("IMG_1.HEIC"), file("IMG_1.MOV"), file("IMG_2.jpg"), file("clip.mp4")),
                Grouper.Options.NONE);
        assertThat(shape(g)).containsExactly("LIVE_PHOTO[IMG_1.HEIC, IMG_1.MOV]", "SINGLE[IMG_2.jpg]", "SINGLE[clip.mp4]");
    }

    @Test
    void rawAndJpegAreStackedOnlyWhenAskedWithTheJpegOnTop() {
        List<SourceAsset> files = List.of(file("DSC_1.NEF"), file("DSC_1.JPG"), file("DSC_2.NEF"));
        assertThat(shape(Grouper.group(files, Grouper.Options.NONE))).containsExactly("SINGLE[DSC_1.NEF]", "SINGLE[DSC_1.JPG]",
                "SINGLE[DSC_2.NEF]");
        assertThat(shape(Grouper.group(files, new Grouper.Options(true, false)))).containsExactly("STACK[DSC_1.JPG, DSC_1.NEF]",
                "SINGLE[DSC_2.NEF]");
    }

    @Test
    void burstsAreStackedWithTheirCoverOnTop() {
        List<SourceAsset> files = List.of(file("IMG_20231014_183246_BURST001.jpg"), file("IMG_20231014_183246_BURST002_COVER.jpg"),
                file("IMG_20231014_183246_BURST003.jpg"), file("20231207_101605_001.jpg"), file("20231207_101605_002.jpg"),
                file("IMG_20231014_190000_BURST001.jpg"));
        assertThat(shape(Grouper.group(files, new Grouper.Options(false, true)))).containsExactly(
                "STACK[IMG_20231014_183246_BURST002_COVER.jpg, IMG_20231014_183246_BURST001.jpg, IMG_20231014_183246_BURST003.jpg]",
                "STACK[20231207_101605_001.jpg, 20231207_101605_002.jpg]",
                "SINGLE[IMG_20231014_190000_BURST001.jpg]");
    }
}
