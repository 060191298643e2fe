package app.shoebox.client.sources.folder;

import app.shoebox.client.sources.Metadata;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/** What {@code --sync-metadata} reads from XMP sidecars, written either way XMP allows. */
class XmpReaderTest {

    @Test
    void attributesAsDarktableWritesThem() {
        Metadata m = XmpReader.read("""
                <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
                 <rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/"
                   exif:DateTimeOriginal="2019-05-04T10:11:12+02:00" exif:GPSLatitude="48,51.504N" exif:GPSLongitude="2,17.67E"/>
                </rdf:RDF></x:xmpmeta>""");
        assertThat(m.origin()).isEqualTo(Metadata.Origin.XMP);
        assertThat(m.takenAt()).contains(Instant.parse("2019-05-04T08:11:12Z"));
        assertThat(m.gps()).hasValueSatisfying(g -> {
            assertThat(g.latitude()).isCloseTo(48.8584, offset(1e-4));
            assertThat(g.longitude()).isCloseTo(2.2945, offset(1e-4));
        });
        assertThat(m.description()).isEmpty();
    }

    @Test
    void elementsAsLightroomWritesThemWithASouthWestPositionAndADescription() {
        Metadata m = XmpReader.read("""
                <rdf:Description rdf:about="">
                  <photoshop:DateCreated>2021-12-24T18:00:00Z</photoshop:DateCreated>
                  <exif:GPSLatitude>33,51.408S</exif:GPSLatitude>
                  <exif:GPSLongitude>151,12.918E</exif:GPSLongitude>
                  <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Opera &amp; harbour</rdf:li></rdf:Alt></dc:description>
                </rdf:Description>""");
        assertThat(m.takenAt()).contains(Instant.parse("2021-12-24T18:00:00Z"));
        assertThat(m.gps()).hasValueSatisfying(g -> assertThat(g.latitude()).isCloseTo(-33.8568, offset(1e-4)));
        assertThat(m.description()).contains("Opera & harbour");
    }

    @Test
    void whatCannotBeReadIsNotStated() {
        Metadata m = XmpReader.read("<x:xmpmeta exif:DateTimeOriginal=\"yesterday\" exif:GPSLatitude=\"north\"/>");
        assertThat(m.fields()).isEmpty();
    }
}
