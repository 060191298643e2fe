package app.shoebox.server.queues;

import java.util.List;
import java.util.Set;

/** Immich's queue names ({@code QueueName} in its API); Shoebox runs jobs on some, lists all. */
public final class QueueNames {

    public static final String METADATA_EXTRACTION = "metadataExtraction";
    public static final String THUMBNAIL_GENERATION = "thumbnailGeneration";
    public static final String VIDEO_CONVERSION = "videoConversion";
    public static final String STORAGE_TEMPLATE_MIGRATION = "storageTemplateMigration";
    public static final String DUPLICATE_DETECTION = "duplicateDetection";
    public static final String BACKGROUND_TASK = "backgroundTask";

    /** Every name Immich's clients may send, in the spec's order. */
    public static final List<String> ALL = List.of("thumbnailGeneration", "metadataExtraction", "videoConversion",
            "faceDetection", "facialRecognition", "smartSearch", "duplicateDetection", "backgroundTask",
            "storageTemplateMigration", "migration", "search", "sidecar", "library", "notifications",
            "backupDatabase", "ocr", "workflow", "integrityCheck", "editor");

    /** The queues Shoebox's pipeline works (MediaPipeline). */
    public static final Set<String> WORKED = Set.of(METADATA_EXTRACTION, THUMBNAIL_GENERATION, DUPLICATE_DETECTION,
            STORAGE_TEMPLATE_MIGRATION);

    private static final Set<String> KNOWN = Set.copyOf(ALL);

    private QueueNames() {
    }

    public static boolean isKnown(String name) {
        return KNOWN.contains(name);
    }
}
