package app.shoebox.jobs;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An error text the database would refuse (a NUL, control characters) never keeps a job from
 * reaching its state: texts are cleaned before they are stored, and a write the database still
 * refuses as bad data (SQLSTATE class 22) is written again at once with a placeholder, then with no
 * error, instead of being retried as is for ever while the job shows as running.
 */
class BadErrorTextTest {
    private static final TestJobs t = new TestJobs("bad_error_text");
    private static final String DIRTY = "decoder said: bad\u0000 byte\u0007 at\r\n line 3\tand\u001b[31m more\u0085";
    private static JobEngine engine;

    @BeforeAll
    static void start() {
        // Stands in for bad data the cleaning does not know about: the database refuses, as it
        // refuses a NUL, any error that carries the marker (or, for one kind, any error at all).
        t.exec("""
                CREATE FUNCTION ${schema}.refuse_marked_errors() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF NEW.errors::text LIKE '%refused-marker%'
                     OR (NEW.kind = 'refuses-every-error' AND NEW.errors IS DISTINCT FROM OLD.errors) THEN
                    RAISE EXCEPTION 'invalid parameter value in error text' USING ERRCODE = '22023';
                  END IF;
                  RETURN NEW;
                END $$""");
        t.exec("CREATE TRIGGER refuse_marked_errors BEFORE UPDATE ON ${schema}.job"
                + " FOR EACH ROW EXECUTE FUNCTION ${schema}.refuse_marked_errors()");
        RetryPolicy once = RetryPolicy.of(1, Duration.ZERO, Duration.ZERO);
        engine = t.engine().nodeId("bad-text-node").queue("default", 4)
                .handler("discards-dirty", ctx -> JobOutcome.discard(DIRTY), once)
                .handler("throws-dirty", ctx -> {
                    throw new IllegalStateException(DIRTY, new RuntimeException("cause\u0000 with NUL"));
                }, once)
                .handler("discards-marked", ctx -> JobOutcome.discard("refused-marker in this text"), once)
                .handler("refuses-every-error", ctx -> JobOutcome.discard("anything"), once)
                .build().start();
    }

    @AfterAll
    static void stop() {
        engine.stop(Duration.ofSeconds(5));
    }

    private static JobView finished(String kind) {
        long id = t.client.insert(JobRequest.of(kind, "{}")).id();
        TestJobs.await("job " + id + " (" + kind + ") finished", Duration.ofSeconds(20), () -> t.job(id).state().finished());
        return t.job(id);
    }

    private static void assertPrintable(String text) {
        assertThat(text.chars().filter(c -> Character.isISOControl(c) && c != '\n')).as("control characters in " + text).isEmpty();
    }

    @Test
    void aDiscardReasonWithNulAndControlCharactersIsStoredCleaned() {
        JobView v = finished("discards-dirty");
        assertThat(v.state()).isEqualTo(JobState.DISCARDED);
        assertThat(v.attempt()).isEqualTo(1);
        assertThat(v.errors()).singleElement().satisfies(e -> {
            assertThat(e.message()).isEqualTo("decoder said: bad byte at   line 3 and[31m more");
            assertPrintable(e.message());
        });
    }

    @Test
    void aThrownExceptionWithNulFailsTheJobWithACleanMessageAndStack() {
        JobView v = finished("throws-dirty");
        assertThat(v.state()).isEqualTo(JobState.FAILED);
        assertThat(v.attempt()).isEqualTo(1);
        JobError e = v.errors().getFirst();
        assertThat(e.errorClass()).isEqualTo("java.lang.IllegalStateException");
        assertThat(e.message()).startsWith("decoder said: bad byte");
        assertPrintable(e.message());
        assertPrintable(e.stack());
        assertThat(e.stack()).contains("BadErrorTextTest").contains("caused by java.lang.RuntimeException: cause with NUL");
    }

    @Test
    void anErrorTheDatabaseRefusesIsReplacedByAPlaceholderAtOnce() {
        JobView v = finished("discards-marked");
        assertThat(v.state()).isEqualTo(JobState.DISCARDED);
        assertThat(v.errors()).singleElement().satisfies(e -> {
            assertThat(e.errorClass()).isEqualTo("Discard");
            assertThat(e.message()).contains("could not be stored").contains("22023").doesNotContain("refused-marker");
        });
    }

    @Test
    void whenEvenThePlaceholderIsRefusedTheJobEndsWithoutAnError() {
        JobView v = finished("refuses-every-error");
        assertThat(v.state()).isEqualTo(JobState.DISCARDED);
        assertThat(v.errors()).isEmpty();
        assertThat(v.leaseOwner()).isEmpty();
    }

    @Test
    void cleaningKeepsWhatIsPrintableAndBoundsTheLength() {
        assertThat(JobError.clean("a\u0000b\u0001c\nd\re\tf\u007Fg\u009Fh")).isEqualTo("abc d e fgh");
        assertThat(JobError.clean("emoji \uD83D\uDCF7 ok, lone \uD800 surrogate")).isEqualTo("emoji \uD83D\uDCF7 ok, lone \uFFFD surrogate");
        assertThat(JobError.clean(null)).isEmpty();
        String longText = "x".repeat(10_000);
        assertThat(JobError.clean(longText)).hasSize(JobError.MAX_MESSAGE).endsWith("\u2026");
        String pairs = "\uD83D\uDCF7".repeat(3000);
        String cut = JobError.clean(pairs);
        assertThat(cut.length()).isLessThanOrEqualTo(JobError.MAX_MESSAGE);
        assertThat(cut.chars().filter(c -> Character.isSurrogate((char) c)).count() % 2).as("no pair cut in half").isZero();
    }
}
