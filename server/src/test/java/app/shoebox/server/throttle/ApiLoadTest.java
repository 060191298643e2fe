package app.shoebox.server.throttle;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.assets.TestFiles;
import app.shoebox.testing.TestUploads;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static app.shoebox.server.ServerFixture.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/** What the serving process measures of its API: uploads in flight, and how long reads take. */
class ApiLoadTest {

    @Test
    void readsAreTimedAndFileDownloadsAndWritesAreNot() {
        ApiLoad load = new ApiLoad();
        assertThat(load.snapshot()).isEqualTo(new ApiLoad.Snapshot(0, 0, java.util.Optional.empty()));
        for (int i = 1; i <= 100; i++) {
            load.observe("GET", "/api/timeline/buckets", 200, Duration.ofMillis(i).toNanos());
        }
        load.observe("GET", "/api/assets/{id}/original", 200, Duration.ofSeconds(30).toNanos());
        load.observe("GET", "/api/assets/{id}/thumbnail", 200, Duration.ofSeconds(30).toNanos());
        load.observe("POST", "/api/search/metadata", 200, Duration.ofSeconds(30).toNanos());
        load.observe("GET", "/", 200, Duration.ofSeconds(30).toNanos());
        ApiLoad.Snapshot s = load.snapshot();
        assertThat(s.reads()).isEqualTo(100);
        assertThat(s.readP95()).contains(Duration.ofMillis(95));
    }

    @Test
    void onlyTheLastWindowCounts() throws Exception {
        ApiLoad load = new ApiLoad();
        load.observe("GET", "/api/assets/{id}", 200, Duration.ofSeconds(5).toNanos());
        Thread.sleep(ApiLoad.WINDOW.toMillis() + 200);
        load.observe("GET", "/api/assets/{id}", 200, Duration.ofMillis(3).toNanos());
        assertThat(load.snapshot().readP95()).contains(Duration.ofMillis(3));
        assertThat(load.snapshot().reads()).isEqualTo(1);
    }

    /** An upload counts from its first byte to its end, however it ends: answered, refused, or cut off. */
    @Test
    void uploadsInFlightAreCountedUntilTheyEndEvenWhenCutOff() throws Exception {
        try (ServerFixture server = ServerFixture.start("api_load")) {
            assertThat(uploadsInFlight(server)).isZero();
            try (Socket socket = LoadThrottleTest.startUpload(server)) {
                awaitUploads(server, 1);
            } // the client goes away halfway through the body
            awaitUploads(server, 0);

            TestFiles.uploadNew(server, ADMIN_KEY, "whole.jpg", TestUploads.noiseJpeg(32, 32, 1));
            assertThat(server.postJson("/api/assets", ADMIN_KEY, "{}").statusCode()).isEqualTo(400);
            assertThat(uploadsInFlight(server)).isZero();
        }
    }

    private static void awaitUploads(ServerFixture server, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (uploadsInFlight(server) != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("uploads in flight stayed " + uploadsInFlight(server) + ", expected " + expected);
            }
            Thread.sleep(50);
        }
    }

    private static int uploadsInFlight(ServerFixture server) {
        Matcher m = Pattern.compile("(?m)^shoebox_http_uploads_in_flight (\\d+)").matcher(
                server.get("/metrics?apiKey=" + ADMIN_KEY, null).body());
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
