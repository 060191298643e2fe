package app.shoebox.client.sources.takeout;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Google's sidecar names, as real Takeouts have them, each with the file it belongs to (or none). */
class SidecarMatcherTest {

    @ParameterizedTest(name = "{1} -> {0}: {2}")
    @CsvSource(delimiter = '|', value = {
            // the name, the file's name, how
            "PXL_20211013_220651983.jpg.json | PXL_20211013_220651983.jpg | NAME",
            "PXL_20211013_220651983.jpg.json | PXL_20211013_220651958.jpg | -",
            "IMG_1234.HEIC.supplemental-metadata.json | IMG_1234.HEIC | NAME",
            "IMG_20200101_123456789_HDR.jpg.supplemental-me.json | IMG_20200101_123456789_HDR.jpg | NAME",
            "IMG_1234.JPG.supplemental-metad.json | IMG_1234.JPG | NAME",
            "IMG_1234.JPG.suppl.json | IMG_1234.JPG | NAME",
            "0d7b086cdcb68a4b6279fabaa0928e90.jpg.supplemen.json | 0d7b086cdcb68a4b6279fabaa0928e90.jpg | NAME",
            "PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGIN.json | PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGINAL.jpg | NAME",
            "PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGINA.json | PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGINAL.jpg | NAME",
            "PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGI.json | PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGINAL.jpg | NAME",
            "PXL_20230809_203449253.LONG_EXPOSURE-02.ORIG.json | PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGINAL.jpg | -",
            "PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGIN(1).json | PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGINAL(1).jpg | COUNTER",
            "05yqt21kruxwwlhhgrwrdyb6chhwszi9bqmzu16w0 2.jp.json | 05yqt21kruxwwlhhgrwrdyb6chhwszi9bqmzu16w0 2.jpg | NAME",
            "DSC_0101.JPG(1).json | DSC_0101(1).JPG | COUNTER",
            "IMG_2710.HEIC(1).json | IMG_2710(1).HEIC | COUNTER",
            "IMG_2710.HEIC.supplemental-metadata(1).json | IMG_2710(1).HEIC | COUNTER",
            "DSC_0102.JPG(2).json | DSC_0102(1).JPG | -",
            "DSC_0103.JPG(1).json | DSC_0103.JPG | -",
            "DSC_0104.JPG.json | DSC_0104(1).JPG | -",
            "13039_327707840323_537645323_9470255_27214_n.j(1).json | 13039_327707840323_537645323_9470255_27214_n(1).jpg | COUNTER",
            "Backyard_ceremony_wedding_photography_xxxxxxx_(494).json | Backyard_ceremony_wedding_photography_xxxxxxx_m(494).jpg | COUNTER",
            "Backyard_ceremony_wedding_photography_xxxxxxx_(494).json | Backyard_ceremony_wedding_photography_xxxxxxx_m(185).jpg | -",
            "😀😃😄😁😆😅😂🤣🥲☺️😊😇🙂🙃😉😌😍🥰😘😗😙😚😋.json | 😀😃😄😁😆😅😂🤣🥲☺️😊😇🙂🙃😉😌😍🥰😘😗😙😚😋😛.jpg | NAME",
            "PXL_20210102_221126856.MP~2.jpg.json | PXL_20210102_221126856.MP~2.jpg | NAME",
            "PXL_20231118_035751175.MP.jpg.json | PXL_20231118_035751175.MP.jpg | NAME",
            "Photo (2).jpg.json | Photo (2).jpg | NAME",
            "IMG_0004.jpg.json | IMG_0004-edited.jpg | EDITED",
            "IMG_0005.jpg.supplemental-metadata.json | IMG_0005-bearbeitet.jpg | EDITED",
            "PXL_20220405_090123740.PORTRAIT.jpg.json | PXL_20220405_090123740.PORTRAIT-modifié.jpg | EDITED",
            "PXL_20220405_090123740.PORTRAIT.jpg.json | PXL_20220405_090123741.PORTRAIT-modifié.jpg | -",
            "IMG_0006.jpg.json | IMG_0006-1.jpg | -",
    })
    void findsTheSidecarOfAFile(String json, String media, String rule) {
        SidecarMatcher.Folder<String> folder = new SidecarMatcher.Folder<>();
        folder.add(json, "", json);
        Set<String> siblings = Set.of(media, "IMG_0004.jpg", "IMG_0005.jpg", "PXL_20220405_090123740.PORTRAIT.jpg", "IMG_0006.jpg");
        Optional<SidecarMatcher.Match<String>> m = SidecarMatcher.match(folder, media, siblings);
        if (rule.equals("-")) {
            assertThat(m).isEmpty();
        } else {
            assertThat(m).hasValueSatisfying(x -> {
                assertThat(x.sidecar()).isEqualTo(json);
                assertThat(x.rule()).isEqualTo(SidecarMatcher.Rule.valueOf(rule));
            });
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "IMG_0003.jpg.json | IMG_0003(1).jpg.json | IMG_0003.jpg | IMG_0003.jpg.json",
            "IMG_0003.jpg.json | IMG_0003.jpg(1).json | IMG_0003(1).jpg | IMG_0003.jpg(1).json",
    })
    void aRenamedDuplicateNeverTakesTheOriginalsSidecar(String a, String b, String media, String expected) {
        SidecarMatcher.Folder<String> folder = new SidecarMatcher.Folder<>();
        folder.add(a, "", a);
        folder.add(b, "", b);
        assertThat(SidecarMatcher.match(folder, media, Set.of(media)).map(SidecarMatcher.Match::sidecar)).contains(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"unrelated-name.json | IMG_9.jpg | IMG_9.jpg"})
    void aSidecarWhoseTitleIsTheFilesNameIsTheLastResort(String json, String title, String media) {
        SidecarMatcher.Folder<String> folder = new SidecarMatcher.Folder<>();
        folder.add(json, title, json);
        assertThat(SidecarMatcher.match(folder, media, Set.of(media))).hasValueSatisfying(
                m -> assertThat(m.rule()).isEqualTo(SidecarMatcher.Rule.TITLE));
        folder.add("other.json", title, "other.json");
        assertThat(SidecarMatcher.match(folder, media, Set.of(media))).as("two candidates: none chosen").isEmpty();
    }
}
