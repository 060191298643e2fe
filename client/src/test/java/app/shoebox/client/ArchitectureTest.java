package app.shoebox.client;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The client speaks HTTP only: it never uses the server's code, nor the job engine's or the media
 * module's, so it uploads to a real Immich server as well as to Shoebox.
 */
class ArchitectureTest {

    private static final JavaClasses CLIENT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("app.shoebox.client");

    @Test
    void theClientNeverImportsServerCode() {
        noClasses().that().resideInAPackage("app.shoebox.client..")
                .should().dependOnClassesThat().resideInAnyPackage("app.shoebox.server..", "app.shoebox.jobs..",
                        "app.shoebox.media..", "io.javalin..", "org.jdbi..", "org.postgresql..")
                .because("the uploader speaks HTTP like any other client").check(CLIENT);
    }

    @Test
    void sourcesNeverTalkToTheServer() {
        noClasses().that().resideInAPackage("app.shoebox.client.sources..")
                .should().dependOnClassesThat().resideInAnyPackage("app.shoebox.client.upload..", "app.shoebox.client.queues..",
                        "java.net.http..")
                .orShould().dependOnClassesThat().haveSimpleName("ApiClient").orShould().dependOnClassesThat().haveSimpleName("Http")
                .because("a source only finds files; adding one never touches the pipeline").check(CLIENT);
    }
}
