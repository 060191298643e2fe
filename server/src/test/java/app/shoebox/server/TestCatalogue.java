package app.shoebox.server;

import app.shoebox.server.auth.ApiKeyService;
import app.shoebox.server.auth.Permission;
import app.shoebox.server.users.User;
import app.shoebox.server.users.UserService;
import com.fasterxml.jackson.databind.JsonNode;
import org.jdbi.v3.core.Jdbi;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Rows for tests that need users and assets without going through upload: users with API keys, and
 * asset rows inserted as the catalogue holds them.
 */
public final class TestCatalogue {

    /** A user and a secret API key that acts for them. */
    public record TestUser(UUID id, String email, String apiKey) {}

    private final ServerFixture server;
    private final Jdbi jdbi;

    public TestCatalogue(ServerFixture server) {
        this.server = server;
        this.jdbi = server.server().database().jdbi();
    }

    public TestUser admin() {
        UUID id = new UserService(jdbi).findByEmail(ServerFixture.ADMIN_EMAIL).orElseThrow().id();
        return new TestUser(id, ServerFixture.ADMIN_EMAIL, ServerFixture.ADMIN_KEY);
    }

    /** A new user with a key holding {@code all}. */
    public TestUser newUser(String email) {
        User user = new UserService(jdbi).create(email, email, "password-" + email, false);
        return new TestUser(user.id(), email, key(user.id(), List.of(Permission.ALL)));
    }

    /** A further key of {@code userId} holding only {@code permissions}. */
    public String key(UUID userId, Collection<Permission> permissions) {
        return new ApiKeyService(jdbi).create(userId, "test", permissions).secret();
    }

    /** An image asset of {@code ownerId}, taken at {@code takenAt}. */
    public UUID asset(UUID ownerId, String fileName, Instant takenAt) {
        byte[] checksum = sha1(ownerId + "/" + fileName + "/" + UUID.randomUUID());
        return jdbi.withHandle(h -> h.createQuery("""
                        INSERT INTO assets (owner_id, type, original_path, original_file_name, mime_type, checksum,
                                            file_size, file_created_at, file_modified_at, local_date_time)
                        VALUES (:owner, 'IMAGE', :path, :name, 'image/jpeg', :checksum, 1234, :taken, :taken, :taken)
                        RETURNING id""")
                .bind("owner", ownerId).bind("path", "upload/" + ownerId + "/" + fileName).bind("name", fileName)
                .bind("checksum", checksum).bind("taken", takenAt).mapTo(UUID.class).one());
    }

    public UUID asset(UUID ownerId, String fileName) {
        return asset(ownerId, fileName, Instant.parse("2024-05-01T10:00:00Z"));
    }

    public ServerFixture server() {
        return server;
    }

    /** A single number from the catalogue, to check what a request did (or did not) change. */
    public long count(String sql) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    public HttpResponse<String> delete(String path, String apiKey) {
        return server.send(server.request(path, apiKey).DELETE().build());
    }

    public HttpResponse<String> patchJson(String path, String apiKey, Object body) {
        return server.send(server.request(path, apiKey).header("content-type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(ServerFixture.toJson(body))).build());
    }

    /** The "id" of each element of a JSON array, in order. */
    public static List<String> ids(JsonNode array) {
        List<String> ids = new ArrayList<>();
        array.forEach(n -> ids.add(n.get("id").asText()));
        return ids;
    }

    /** A BulkIdResponseDto[] as "id success error" lines, "-" when there is no error. */
    public static List<String> bulkResults(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get("id").asText() + " " + n.get("success").asBoolean() + " "
                + (n.has("error") ? n.get("error").asText() : "-")));
        return out;
    }

    private static byte[] sha1(String s) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
