package app.shoebox.server.live;

import io.javalin.Javalin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Engine.IO transport at the level of its packets, over real HTTP: the handshake, long polls
 * that wait for a packet, the heartbeat that closes a silent client, and refusals of broken requests.
 */
class EngineIoTest {

    Javalin app;
    EngineIo engine;
    final List<String> messages = new CopyOnWriteArrayList<>();
    final List<String> closes = new CopyOnWriteArrayList<>();
    final HttpClient http = HttpClient.newHttpClient();

    /** An engine whose heartbeat is {@code pingInterval} and {@code pingTimeout}, at most three sessions. */
    void start(Duration pingInterval, Duration pingTimeout) {
        engine = new EngineIo(new EngineIo.Settings(pingInterval, pingTimeout, 1000, 3),
                new EngineIo.Handler() {
                    public void onMessage(EngineIo.Session session, String data) {
                        messages.add(data);
                        session.send("4echo:" + data);
                    }

                    public void onClose(EngineIo.Session session, String reason) {
                        closes.add(reason);
                    }
                });
        app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.concurrency.useVirtualThreads = true;
            c.jetty.host = "127.0.0.1";
            c.jetty.port = 0;
            c.routes.get("/io", ctx -> engine.http(ctx, Optional.empty()));
            c.routes.post("/io", ctx -> engine.http(ctx, Optional.empty()));
        }).start();
    }

    /** A heartbeat that never fires during a test: for what is not about the heartbeat. */
    void startQuiet() {
        start(Duration.ofMinutes(5), Duration.ofMinutes(5));
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
            app.stop();
        }
    }

    private HttpResponse<String> get(String query) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(query)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String query, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(query)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String query) {
        return URI.create("http://127.0.0.1:" + app.port() + "/io?" + query);
    }

    private String open() throws Exception {
        HttpResponse<String> r = get("EIO=4&transport=polling");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("0{\"sid\":\"").contains("\"upgrades\":[\"websocket\"]").contains("\"pingInterval\":");
        return r.body().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
    }

    @Test
    void aPollWaitsForThePacketsAPostCauses() throws Exception {
        startQuiet();
        String sid = open();
        CompletableFuture<HttpResponse<String>> poll = http.sendAsync(
                HttpRequest.newBuilder(uri("EIO=4&transport=polling&sid=" + sid)).GET().build(), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(100);
        assertThat(poll).isNotDone();
        HttpResponse<String> sent = post("EIO=4&transport=polling&sid=" + sid, "4hello\u001e4world");
        assertThat(sent.body()).isEqualTo("ok");
        assertThat(messages).containsExactly("hello", "world");
        // The first packet completes the waiting poll; what follows waits for the next one (unless
        // the machine was so slow that both were queued before the poll arrived).
        String body = poll.get().body();
        if (!body.contains("\u001e")) {
            body += "\u001e" + get("EIO=4&transport=polling&sid=" + sid).body();
        }
        assertThat(body.split("\u001e")).containsExactly("4echo:hello", "4echo:world");
    }

    @Test
    void aClientThatNeverAnswersPingsIsClosed() throws Exception {
        start(Duration.ofMillis(300), Duration.ofMillis(500));
        String sid = open();
        HttpResponse<String> ping = get("EIO=4&transport=polling&sid=" + sid);
        assertThat(ping.body()).isEqualTo("2");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (closes.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(closes).containsExactly("ping timeout");
        assertThat(get("EIO=4&transport=polling&sid=" + sid).body()).contains("Session ID unknown");
    }

    @Test
    void aClientThatAnswersStaysOpen() throws Exception {
        // Pings every 300 ms; a pong may take 20 s (a loaded machine), so only a missing one closes.
        start(Duration.ofMillis(300), Duration.ofSeconds(20));
        String sid = open();
        for (int i = 0; i < 4; i++) {
            assertThat(get("EIO=4&transport=polling&sid=" + sid).body()).isEqualTo("2");
            post("EIO=4&transport=polling&sid=" + sid, "3");
        }
        assertThat(closes).isEmpty();
    }

    @Test
    void brokenRequestsAreRefused() throws Exception {
        startQuiet();
        assertThat(get("EIO=3&transport=polling").body()).contains("Unsupported protocol version");
        assertThat(get("EIO=4&transport=carrier-pigeon").body()).contains("Transport unknown");
        assertThat(get("EIO=4&transport=polling&sid=nope").statusCode()).isEqualTo(400);
        String sid = open();
        assertThat(post("EIO=4&transport=polling&sid=" + sid, "4" + "x".repeat(2000)).statusCode()).isEqualTo(413);
        assertThat(closes).containsExactly("payload too large");
        // Two polls at once: the second is refused and the session ends.
        String other = open();
        CompletableFuture<HttpResponse<String>> first = http.sendAsync(
                HttpRequest.newBuilder(uri("EIO=4&transport=polling&sid=" + other)).GET().build(), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(50);
        assertThat(get("EIO=4&transport=polling&sid=" + other).statusCode()).isEqualTo(400);
        assertThat(first.get().body()).isEqualTo("1");
        // At most three sessions (the limit of this engine).
        open();
        open();
        open();
        assertThat(get("EIO=4&transport=polling").statusCode()).isEqualTo(503);
    }
}
