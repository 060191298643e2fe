package app.shoebox.server.live;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.contract.OpenApiContract;
import app.shoebox.server.TestCatalogue;
import app.shoebox.server.TestCatalogue.TestUser;
import app.shoebox.server.assets.TestFiles;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.Polling;
import io.socket.engineio.client.transports.WebSocket;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static app.shoebox.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Immich's live events over {@code /api/socket.io}, driven by the official socket.io Java client on
 * both of its transports: who receives what, and with which payload.
 */
class LiveEventsTest {

    static ServerFixture server;
    static TestCatalogue catalogue;

    @BeforeAll
    static void start() {
        server = ServerFixture.start("live_events", cfg -> cfg.withInProcessJobs(true));
        catalogue = new TestCatalogue(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A connected client and every event it received, in order, as {@code [name, args...]}. */
    record Client(Socket socket, BlockingQueue<Object[]> events) implements AutoCloseable {

        static Client connect(String transport, Map<String, List<String>> headers) throws InterruptedException {
            IO.Options options = IO.Options.builder().setPath("/api/socket.io").setReconnection(false)
                    .setForceNew(true)
                    .setTransports(transport.equals("websocket") ? new String[]{WebSocket.NAME}
                            : transport.equals("polling") ? new String[]{Polling.NAME} : new String[]{Polling.NAME, WebSocket.NAME})
                    .setUpgrade(!transport.equals("polling"))
                    .setExtraHeaders(headers).build();
            Socket socket = IO.socket(URI.create("http://127.0.0.1:" + server.server().port()), options);
            BlockingQueue<Object[]> events = new LinkedBlockingQueue<>();
            socket.onAnyIncoming(args -> events.add(args));
            socket.on(Socket.EVENT_CONNECT, args -> events.add(new Object[]{"connect"}));
            socket.on(Socket.EVENT_DISCONNECT, args -> events.add(new Object[]{"disconnect", args.length > 0 ? args[0] : ""}));
            socket.on(Socket.EVENT_CONNECT_ERROR, args -> events.add(new Object[]{"connect_error", args.length > 0 ? args[0] : ""}));
            socket.connect();
            Client c = new Client(socket, events);
            assertThat(c.next("connect")).isNotNull();
            return c;
        }

        static Client withKey(String transport, String key) throws Exception {
            Client c = connect(transport, Map.of("x-api-key", List.of(key)));
            assertThat(((JSONObject) c.next("on_server_version")[1]).getInt("major")).isEqualTo(3);
            return c;
        }

        /** The next event of that name, skipping others; fails after 20 s. */
        Object[] next(String name) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                Object[] e = events.poll(200, TimeUnit.MILLISECONDS);
                if (e != null && name.equals(e[0])) {
                    return e;
                }
            }
            throw new AssertionError("no " + name + " within 20 s");
        }

        List<String> namesSoFar() {
            List<String> names = new ArrayList<>();
            events.forEach(e -> names.add(String.valueOf(e[0])));
            return names;
        }

        @Override
        public void close() {
            socket.disconnect();
            socket.close();
        }
    }

    static byte[] photo(long seed) throws IOException {
        BufferedImage img = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i < 20; i++) {
            g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
            g.fillRect(r.nextInt(320), r.nextInt(240), 30 + r.nextInt(100), 30 + r.nextInt(100));
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", out);
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "polling", "upgrade"})
    void anUploadReachesItsOwnerAndItsThumbnailFollowsButNoOneElse(String transport) throws Exception {
        TestUser ann = catalogue.newUser("ann-" + transport + "@example.com");
        TestUser bob = catalogue.newUser("bob-" + transport + "@example.com");
        try (Client annClient = Client.withKey(transport, ann.apiKey()); Client bobClient = Client.withKey(transport, bob.apiKey())) {
            String id = TestFiles.uploadNew(server, ann.apiKey(), "live-" + transport + ".jpg", photo(transport.hashCode()));

            JSONObject uploaded = (JSONObject) annClient.next("on_upload_success")[1];
            assertThat(uploaded.getString("id")).isEqualTo(id);
            assertThat(uploaded.getString("ownerId")).isEqualTo(ann.id().toString());
            assertThat(uploaded.getString("originalFileName")).isEqualTo("live-" + transport + ".jpg");
            assertThat(uploaded.has("exifInfo")).isTrue();

            JSONObject updated = (JSONObject) annClient.next("on_asset_update")[1];
            assertThat(updated.getString("id")).isEqualTo(id);
            // The thumbnail is cacheable: a lifetime, and a validator answered with 304.
            HttpResponse<String> thumb = server.get("/api/assets/" + id + "/thumbnail", ann.apiKey());
            assertThat(thumb.statusCode()).isEqualTo(200);
            assertThat(thumb.headers().firstValue("cache-control").orElseThrow()).contains("max-age=86400");
            String etag = thumb.headers().firstValue("etag").orElseThrow();
            assertThat(server.send(server.request("/api/assets/" + id + "/thumbnail", ann.apiKey()).header("If-None-Match", etag)
                    .GET().build()).statusCode()).isEqualTo(304);

            // Everything Ann received has reached Bob's socket too, had it been sent to him.
            Thread.sleep(300);
            assertThat(bobClient.namesSoFar()).doesNotContain("on_upload_success", "on_asset_update");
        }
    }

    @Test
    void trashRestoreAndDeleteAreAnnouncedWithTheirIds() throws Exception {
        TestUser ann = catalogue.newUser("ann-trash@example.com");
        UUID a = catalogue.asset(ann.id(), "a.jpg");
        UUID b = catalogue.asset(ann.id(), "b.jpg");
        try (Client client = Client.withKey("websocket", ann.apiKey())) {
            server.deleteJson("/api/assets", ann.apiKey(), Map.of("ids", List.of(a.toString(), b.toString())));
            assertThat(ids((JSONArray) client.next("on_asset_trash")[1])).containsExactlyInAnyOrder(a.toString(), b.toString());
            server.postJson("/api/trash/restore/assets", ann.apiKey(), Map.of("ids", List.of(a.toString())));
            assertThat(ids((JSONArray) client.next("on_asset_restore")[1])).containsExactly(a.toString());
            server.postJson("/api/trash/empty", ann.apiKey(), "");
            assertThat(client.next("on_asset_delete")[1]).isEqualTo(b.toString());
        }
    }

    @Test
    void stackingIsAnnounced() throws Exception {
        TestUser ann = catalogue.newUser("ann-stack@example.com");
        UUID a = catalogue.asset(ann.id(), "a.jpg");
        UUID b = catalogue.asset(ann.id(), "b.jpg");
        try (Client client = Client.withKey("websocket", ann.apiKey())) {
            String stack = json(server.postJson("/api/stacks", ann.apiKey(), Map.of("assetIds", List.of(a.toString(), b.toString()))))
                    .get("id").asText();
            assertThat(client.next("on_asset_stack_update")).hasSize(1);
            server.deleteJson("/api/stacks", ann.apiKey(), Map.of("ids", List.of(stack)));
            assertThat(client.next("on_asset_stack_update")).hasSize(1);
        }
    }

    @Test
    void manyIdsArriveWhole() throws Exception {
        TestUser ann = catalogue.newUser("ann-many@example.com");
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            all.add(catalogue.asset(ann.id(), "many-" + i + ".jpg").toString());
        }
        try (Client client = Client.withKey("websocket", ann.apiKey())) {
            assertThat(server.deleteJson("/api/assets", ann.apiKey(), Map.of("ids", all)).statusCode()).isEqualTo(204);
            List<String> received = new ArrayList<>();
            while (received.size() < all.size()) {
                received.addAll(ids((JSONArray) client.next("on_asset_trash")[1]));
            }
            assertThat(received).containsExactlyInAnyOrderElementsOf(all);
        }
    }

    @Test
    void aChangeMadeByAnotherProcessReachesTheSocketsThroughPostgres() throws Exception {
        TestUser ann = catalogue.newUser("ann-worker@example.com");
        UUID a = catalogue.asset(ann.id(), "worker.jpg");
        try (Client client = Client.withKey("websocket", ann.apiKey());
             Connection other = otherConnection()) {
            // What a worker's thumbnail job does in its completing transaction.
            other.setAutoCommit(false);
            CatalogueEvents.publish(other, ClientEvent.ASSET_UPDATE, ann.id(), List.of(a));
            Thread.sleep(300);
            assertThat(client.namesSoFar()).doesNotContain("on_asset_update");
            other.commit();
            assertThat(((JSONObject) client.next("on_asset_update")[1]).getString("originalFileName")).isEqualTo("worker.jpg");
        }
    }

    @Test
    void withoutCredentialsTheSocketIsToldUnauthorizedAndDropped() throws Exception {
        try (Client client = Client.connect("websocket", Map.of())) {
            assertThat(client.next("error")[1]).isEqualTo("unauthorized");
            assertThat(client.next("disconnect")).isNotNull();
        }
        try (Client client = Client.connect("polling", Map.of("x-api-key", List.of("not-a-key-0123456789")))) {
            assertThat(client.next("error")[1]).isEqualTo("unauthorized");
        }
    }

    @Test
    void aCookieFromAnotherSitesPageIsNotACredential() throws Exception {
        TestUser ann = catalogue.newUser("ann-origin@example.com");
        String token = json(server.postJson("/api/auth/login", null,
                Map.of("email", "ann-origin@example.com", "password", "password-ann-origin@example.com"))).get("accessToken").asText();
        String host = "127.0.0.1:" + server.server().port();
        try (Client foreign = Client.connect("websocket", Map.of("Cookie", List.of("immich_access_token=" + token),
                "Origin", List.of("http://evil.example")))) {
            assertThat(foreign.next("error")[1]).isEqualTo("unauthorized");
        }
        try (Client own = Client.connect("websocket", Map.of("Cookie", List.of("immich_access_token=" + token),
                "Origin", List.of("http://" + host)))) {
            assertThat(((JSONObject) own.next("on_server_version")[1]).getInt("major")).isEqualTo(3);
        }
    }

    @Test
    void loggingOutTellsThatSessionsSockets() throws Exception {
        TestUser ann = catalogue.newUser("ann-session@example.com");
        String token = json(server.postJson("/api/auth/login", null,
                Map.of("email", "ann-session@example.com", "password", "password-ann-session@example.com"))).get("accessToken").asText();
        try (Client byCookie = Client.connect("upgrade", Map.of("Cookie", List.of("immich_access_token=" + token)));
             Client byKey = Client.withKey("websocket", ann.apiKey())) {
            byCookie.next("on_server_version");
            server.send(server.request("/api/auth/logout", null).header("Authorization", "Bearer " + token)
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
            assertThat(byCookie.next("on_session_delete")[1]).isNotNull();
            assertThat(byCookie.next("disconnect")).isNotNull();
            Thread.sleep(300);
            assertThat(byKey.namesSoFar()).doesNotContain("on_session_delete");
        }
    }

    /** A connection of its own, as a worker process has. */
    private static Connection otherConnection() throws java.sql.SQLException {
        var pool = (com.zaxxer.hikari.HikariDataSource) server.server().database().dataSource();
        return DriverManager.getConnection(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
    }

    private static List<String> ids(JSONArray array) throws Exception {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < array.length(); i++) {
            out.add(array.getString(i));
        }
        return out;
    }

    @Test
    void albumSharersAreToldOfTheInvitationAndOfNewMediaButNotOfTheOwnersOtherChanges() throws Exception {
        var owner = catalogue.newUser("share-owner@example.com");
        var member = catalogue.newUser("share-member@example.com");
        try (Client memberClient = Client.withKey("websocket", member.apiKey());
             Client ownerClient = Client.withKey("websocket", owner.apiKey())) {
            UUID first = catalogue.asset(owner.id(), "first.jpg");
            String album = json(server.postJson("/api/albums", owner.apiKey(), Map.of("albumName", "Together",
                    "assetIds", List.of(first.toString()),
                    "albumUsers", List.of(Map.of("userId", member.id().toString(), "role", "editor"))))).get("id").asText();
            JSONObject invite = (JSONObject) memberClient.next("on_notification")[1];
            assertThat(invite.getString("type")).isEqualTo("AlbumInvite");
            assertThat(invite.getString("level")).isEqualTo("success");
            assertThat(invite.getString("description")).isEqualTo("share-owner@example.com shared an album (Together) with you");
            assertThat(invite.getJSONObject("data").getString("albumId")).isEqualTo(album);
            OpenApiContract.immich().check("GET", "/notifications/{id}", 200, java.util.Optional.of("application/json"),
                    invite.toString());

            // The member adds media: the owner is told, the member (who added it) is not.
            UUID mine = catalogue.asset(member.id(), "mine.jpg");
            server.putJson("/api/albums/" + album + "/assets", member.apiKey(), Map.of("ids", List.of(mine.toString())));
            JSONObject update = (JSONObject) ownerClient.next("on_notification")[1];
            assertThat(update.getString("type")).isEqualTo("AlbumUpdate");
            assertThat(update.getString("description")).isEqualTo("New media has been added to the album (Together)");
            // The owner's own trash stays the owner's news.
            server.deleteJson("/api/assets", owner.apiKey(), Map.of("ids", List.of(first.toString())));
            ownerClient.next("on_asset_trash");
            Thread.sleep(300);
            // (the invitation was taken from the queue above: nothing else came)
            assertThat(memberClient.namesSoFar()).doesNotContain("on_asset_trash", "on_notification");

            // What was announced is in the member's notifications, and can be marked read.
            var list = server.get("/api/notifications?unread=true", member.apiKey());
            OpenApiContract.assertValid("GET", "/notifications", list);
            assertThat(json(list).get(0).get("id").asText()).isEqualTo(invite.getString("id"));
            var read = server.putJson("/api/notifications", member.apiKey(),
                    Map.of("ids", List.of(invite.getString("id")), "readAt", "2026-01-01T00:00:00.000Z"));
            assertThat(read.statusCode()).isEqualTo(204);
            assertThat(json(server.get("/api/notifications?unread=true", member.apiKey()))).isEmpty();
            OpenApiContract.assertImmichError(400, "Not found or no notification.read access",
                    server.get("/api/notifications/" + invite.getString("id"), owner.apiKey()));
        }
    }

    @Test
    void aUserRemovedForGoodAndAConfigChangeAreToldToEveryone() throws Exception {
        var gone = catalogue.newUser("gone@example.com");
        var watcher = catalogue.newUser("watcher@example.com");
        try (Client client = Client.withKey("websocket", watcher.apiKey())) {
            var deleted = server.deleteJson("/api/admin/users/" + gone.id(), ServerFixture.ADMIN_KEY, Map.of("force", true));
            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
            assertThat(client.next("on_user_delete")[1]).isEqualTo(gone.id().toString());

            var config = (com.fasterxml.jackson.databind.node.ObjectNode) json(server.get("/api/system-config", ServerFixture.ADMIN_KEY));
            ((com.fasterxml.jackson.databind.node.ObjectNode) config.at("/job/metadataExtraction")).put("concurrency", 2);
            assertThat(server.putJson("/api/system-config", ServerFixture.ADMIN_KEY, config).statusCode()).isEqualTo(200);
            assertThat(client.next("on_config_update")).hasSize(1);
        }
    }
}
