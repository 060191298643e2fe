package app.shoebox.server.auth;

import app.shoebox.server.ServerConfig;
import app.shoebox.server.ServerFixture;
import app.shoebox.server.http.TrustedProxies;
import app.shoebox.testing.LogCapture;
import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Password login against guessing: failures throttled per address and per account (429 with
 * Retry-After, even for the right password), unknown e-mails as slow as known ones, and one
 * greppable log line per failure with the client address.
 */
class LoginTest {

    static HttpResponse<String> login(ServerFixture server, String email, String password, String... headers) {
        HttpRequest.Builder b = server.request("/api/auth/login", null).header("content-type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return server.send(b.POST(HttpRequest.BodyPublishers.ofString(
                ServerFixture.toJson(Map.of("email", email, "password", password)))).build());
    }

    @Test
    void thirtyWrongPasswordsLockTheAccountAndTheRightOneIsRefusedToo() {
        try (ServerFixture server = ServerFixture.start("login_throttle");
             LogCapture log = LogCapture.of(SessionService.class, Level.INFO)) {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                statuses.add(login(server, ServerFixture.ADMIN_EMAIL, "wrong " + i).statusCode());
            }
            assertThat(statuses.subList(0, 5)).containsOnly(401);
            assertThat(statuses.subList(5, 30)).containsOnly(429);

            HttpResponse<String> right = login(server, ServerFixture.ADMIN_EMAIL, ServerFixture.ADMIN_PASSWORD);
            assertThat(right.statusCode()).as(right.body()).isEqualTo(429);
            long retryAfter = Long.parseLong(right.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retryAfter).isBetween(1L, 30L);
            assertThat(ServerFixture.json(right).get("message").asText()).contains("Too many failed logins").contains("try again");
            assertThat(right.headers().firstValue("set-cookie")).isEmpty();

            assertThat(log.lines()).filteredOn(l -> l.contains("login failed")).hasSize(31)
                    .allMatch(l -> l.startsWith("WARN login failed from 127.0.0.1 for admin@test.local: "));
            assertThat(log.lines()).noneMatch(l -> l.contains("wrong 1") || l.contains(ServerFixture.ADMIN_PASSWORD));
        }
    }

    @Test
    void aSuccessBeforeTheLockResetsTheCount() {
        try (ServerFixture server = ServerFixture.start("login_reset")) {
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 4; i++) {
                    assertThat(login(server, ServerFixture.ADMIN_EMAIL, "wrong").statusCode()).isEqualTo(401);
                }
                assertThat(login(server, ServerFixture.ADMIN_EMAIL, ServerFixture.ADMIN_PASSWORD).statusCode()).isEqualTo(201);
            }
        }
    }

    @Test
    void aForgedEmailCannotForgeALogLine() {
        try (ServerFixture server = ServerFixture.start("login_log");
             LogCapture log = LogCapture.of(SessionService.class, Level.INFO)) {
            login(server, "x login failed from 6.6.6.6 for y\nWARN login failed from 6.6.6.6 for z", "p");
            assertThat(log.lines()).hasSize(1);
            assertThat(log.lines().getFirst()).startsWith("WARN login failed from 127.0.0.1 for x\\u0020login")
                    .doesNotContain("from 6.6.6.6 for").doesNotContain("\n");
        }
    }

    @Test
    void forwardedForIsBelievedOnlyFromATrustedProxy() {
        try (ServerFixture plain = ServerFixture.start("login_xff_plain");
             LogCapture log = LogCapture.of(SessionService.class, Level.INFO)) {
            login(plain, "nobody@example.com", "p", "X-Forwarded-For", "203.0.113.9");
            assertThat(log.lines()).singleElement().asString().contains("from 127.0.0.1 for");
        }
        try (ServerFixture proxied = ServerFixture.start("login_xff_proxied", cfg -> cfg.withSecurity(
                new ServerConfig.Security(TrustedProxies.parse("127.0.0.1, ::1"), LoginThrottle.Settings.DEFAULT)));
             LogCapture log = LogCapture.of(SessionService.class, Level.INFO)) {
            for (int i = 0; i < 10; i++) {
                login(proxied, "user" + i + "@example.com", "p", "X-Forwarded-For", "198.51.100.1, 203.0.113.9");
            }
            assertThat(log.lines()).hasSize(10).allMatch(l -> l.contains("from 203.0.113.9 for"));
            assertThat(login(proxied, "another@example.com", "p", "X-Forwarded-For", "203.0.113.9").statusCode())
                    .as("the address is locked").isEqualTo(429);
            assertThat(login(proxied, "another@example.com", "p", "X-Forwarded-For", "203.0.113.10").statusCode())
                    .as("another client behind the same proxy is not").isEqualTo(401);
        }
    }

    /**
     * A wrong password for a known e-mail costs a bcrypt; so must an unknown e-mail, or the answer
     * time says which e-mails have accounts (3 ms against 67 ms before). Compared by medians of
     * interleaved samples, with a wide margin: a busy machine slows both alike.
     */
    @Test
    void anUnknownEmailTakesAsLongAsAKnownOne() {
        var loose = new LoginThrottle.Settings(10_000, 10_000, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofHours(1), 1000);
        try (ServerFixture server = ServerFixture.start("login_timing",
                cfg -> cfg.withSecurity(new ServerConfig.Security(TrustedProxies.none(), loose)))) {
            login(server, ServerFixture.ADMIN_EMAIL, "warm up");
            login(server, "warm-up@example.com", "warm up");
            List<Long> known = new ArrayList<>();
            List<Long> unknown = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                known.add(timed(() -> login(server, ServerFixture.ADMIN_EMAIL, "wrong")));
                String nobody = "nobody" + i + "@example.com";
                unknown.add(timed(() -> login(server, nobody, "wrong")));
            }
            double ratio = (double) median(unknown) / median(known);
            assertThat(ratio).as("median unknown %s ns / known %s ns", median(unknown), median(known)).isBetween(0.5, 2.0);
        }
    }

    private static long timed(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return System.nanoTime() - start;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
