package app.shoebox.media.metadata;

import app.shoebox.media.NativeToolsForTests;
import app.shoebox.media.video.VideoProbe;

/** Every test of {@link MetadataExtractorTest}, read through exiftool in batch mode. */
class ExifToolReaderTest extends MetadataExtractorTest {

    @Override
    MetadataExtractor newExtractor() {
        NativeToolsForTests.require("exiftool");
        return new MetadataExtractor(VideoProbe.fromPath(), ExifTool.fromPath(1));
    }
}
