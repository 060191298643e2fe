package app.shoebox.server.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.SchemaContext;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.format.Format;
import com.networknt.schema.keyword.Keyword;
import com.networknt.schema.keyword.NonValidationKeyword;
import com.networknt.schema.keyword.UnknownKeywordFactory;
import com.networknt.schema.path.PathType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks responses against Immich's OpenAPI spec (the contract Shoebox implements): the status must
 * be one the operation declares, and the body must match that response's schema, {@code $ref}s,
 * {@code nullable} and enums included. Use from any HTTP-level test:
 *
 * <pre>{@code OpenApiContract.assertValid("GET", "/albums/{id}", response);}</pre>
 *
 * <p>The specs are in {@code ../shared/immich-openapi/} seen from the project root, found by
 * walking up from the working directory; the system property {@code shoebox.openapi.dir} may
 * name another folder. {@link #immich()} is v3.1.0, the contract; {@link #immichV2()} is v2.7.5,
 * for answers v2 clients also read.
 */
public final class OpenApiContract {

    /** The file name of the spec Shoebox follows (Immich v3.1.0). */
    public static final String SPEC_FILE = "immich-openapi-specs.json";

    /** The previous major (Immich v2.7.5), which v2 clients such as older immich-go builds expect. */
    public static final String V2_SPEC_FILE = "immich-openapi-specs.v2.7.5.json";

    // The spec is loaded under a made-up absolute URI so that "#/components/..." references resolve
    // inside the same document; nothing is ever fetched from it.
    private static final String SPEC_URI = "https://shoebox.invalid/immich-openapi-specs.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Path, OpenApiContract> LOADED = new ConcurrentHashMap<>();

    private final Path specFile;
    private final JsonNode spec;
    private final SchemaRegistry registry;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    private OpenApiContract(Path specFile) {
        this.specFile = specFile;
        try {
            String text = Files.readString(specFile);
            this.spec = JSON.readTree(text);
            // Formats are asserted (a date that is not ISO-8601 breaks clients), and errors are located
            // as JSON paths ($.assets[0].id), which read best in a failure message.
            SchemaRegistryConfig config = SchemaRegistryConfig.builder()
                    .formatAssertionsEnabled(true).pathType(PathType.JSON_PATH).build();
            // OpenAPI 3.0's dialect is the one that knows "nullable"; the spec declares openapi 3.0.0.
            // Its "email" format wants a public top-level domain, yet users on a home network have
            // addresses like admin@nas.local; the spec's own pattern on those fields still applies.
            Dialect dialect = Dialect.builder(Dialects.getOpenApi30()).format(new AnyString("email"))
                    .unknownKeywordFactory(OpenApiContract::documentKeyword).build();
            this.registry = SchemaRegistry.withDefaultDialect(dialect,
                    b -> b.schemas(Map.of(SPEC_URI, text)).schemaRegistryConfig(config));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the OpenAPI spec " + specFile + ": " + e.getMessage(), e);
        }
    }

    private record AnyString(String getName) implements Format {
        @Override
        public boolean matches(ExecutionContext context, String value) {
            return true;
        }
    }

    // The spec document's own fields and Immich's x- extensions are not schema keywords; anything
    // else unknown is still reported by the library's default factory.
    private static final Set<String> DOCUMENT_FIELDS = Set.of("openapi", "info", "servers", "paths", "components", "tags");

    private static Keyword documentKeyword(String name, SchemaContext context) {
        if (name.startsWith("x-") || DOCUMENT_FIELDS.contains(name)) {
            return new NonValidationKeyword(name);
        }
        return UnknownKeywordFactory.getInstance().getKeyword(name, context);
    }

    /** Where the Immich v3 spec file is, for tests that read the document itself. */
    public static Path specFile() {
        return locateSpec(SPEC_FILE);
    }

    /** The Immich v3 spec, loaded once per test JVM. */
    public static OpenApiContract immich() {
        return LOADED.computeIfAbsent(locateSpec(SPEC_FILE), OpenApiContract::new);
    }

    /** The Immich v2 spec, loaded once per test JVM. */
    public static OpenApiContract immichV2() {
        return LOADED.computeIfAbsent(locateSpec(V2_SPEC_FILE), OpenApiContract::new);
    }

    /** Fails the test with every violation when {@code response} breaks the v3 contract of the operation. */
    /** The spec itself, for tests that read an operation's security, permission or admin flag. */
    public JsonNode spec() {
        return spec;
    }

    public static void assertValid(String method, String pathTemplate, HttpResponse<String> response) {
        immich().check(method, pathTemplate, response);
    }

    /** As {@link #assertValid}, against the v2 spec: for answers that v2 clients read too. */
    public static void assertValidV2(String method, String pathTemplate, HttpResponse<String> response) {
        immichV2().check(method, pathTemplate, response);
    }

    /**
     * Fails unless {@code response} is an error of {@code status} in Immich 3's shape: JSON with a
     * non-empty string {@code message} and nothing else but, for a failed validation, an
     * {@code errors} array of zod issues (each with {@code code}, {@code path} and
     * {@code message}); the correlation id in the {@code x-immich-cid} header. The spec leaves
     * error bodies out, but clients print {@code message}.
     */
    public static void assertImmichError(int status, HttpResponse<String> response) {
        List<String> violations = new ArrayList<>();
        if (response.statusCode() != status) {
            violations.add("status is " + response.statusCode() + ", expected " + status);
        }
        String type = response.headers().firstValue("content-type").orElse("(none)");
        if (!type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            violations.add("content type is " + type + ", expected application/json");
        }
        if (response.headers().firstValue("x-immich-cid").filter(s -> !s.isBlank()).isEmpty()) {
            violations.add("no x-immich-cid header with the correlation id");
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            if (body == null || !body.path("message").isTextual() || body.path("message").asText().isBlank()) {
                violations.add("$.message: missing or not a non-empty string");
            }
            if (body != null) {
                body.fieldNames().forEachRemaining(f -> {
                    if (!f.equals("message") && !f.equals("errors")) {
                        violations.add("$." + f + ": Immich 3 sends no such field in an error");
                    }
                });
                if (body.has("errors")) {
                    if (!"Validation failed".equals(body.path("message").asText()) || !body.get("errors").isArray()
                            || body.get("errors").isEmpty()) {
                        violations.add("$.errors: only a \"Validation failed\" answer has errors, a non-empty array");
                    }
                    for (JsonNode issue : body.path("errors")) {
                        if (!issue.path("code").isTextual() || !issue.path("path").isArray() || !issue.path("message").isTextual()) {
                            violations.add("$.errors[]: each needs code, path (an array) and message: " + issue);
                        }
                    }
                }
            }
        } catch (JsonProcessingException e) {
            violations.add("body is not JSON: " + e.getOriginalMessage());
        }
        if (!violations.isEmpty()) {
            throw new AssertionError(response.request().method() + " " + response.uri().getPath()
                    + " is not an Immich error:\n  - " + String.join("\n  - ", violations)
                    + "\nbody: " + abbreviate(response.body()));
        }
    }

    /** As {@link #assertImmichError(int, HttpResponse)}, and the message must be {@code message}. */
    public static void assertImmichError(int status, String message, HttpResponse<String> response) {
        assertImmichError(status, response);
        try {
            String actual = JSON.readTree(response.body()).path("message").asText();
            if (!actual.equals(message)) {
                throw new AssertionError(response.request().method() + " " + response.uri().getPath() + " answered message \""
                        + actual + "\", Immich's is \"" + message + "\"");
            }
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean isImmichErrorBody(String body) {
        try {
            JsonNode n = body == null ? null : JSON.readTree(body);
            return n != null && n.isObject() && n.path("message").isTextual();
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** Fails the test with every violation when {@code response} breaks this spec's contract of the operation. */
    public void check(String method, String pathTemplate, HttpResponse<String> response) {
        check(method, pathTemplate, response.statusCode(), response.headers().firstValue("content-type"), response.body());
    }

    /** As {@link #assertValid(String, String, HttpResponse)}, for a status and body from elsewhere. */
    public void check(String method, String pathTemplate, int status, Optional<String> contentType, String body) {
        List<String> violations = violations(method, pathTemplate, status, contentType, body);
        if (!violations.isEmpty()) {
            throw new AssertionError(method.toUpperCase(Locale.ROOT) + " " + pathTemplate + " answered " + status
                    + " breaking the contract of " + specFile.getFileName() + ":\n  - "
                    + String.join("\n  - ", violations) + "\nbody: " + abbreviate(body));
        }
    }

    /** What is wrong with a response; empty when it follows the contract. */
    public List<String> violations(String method, String pathTemplate, int status, Optional<String> contentType, String body) {
        String path = pathTemplate.startsWith("/api/") ? pathTemplate.substring(4) : pathTemplate;
        String verb = method.toLowerCase(Locale.ROOT);
        JsonNode operation = spec.path("paths").path(path).path(verb);
        if (operation.isMissingNode()) {
            throw new IllegalArgumentException("the spec has no operation " + method + " " + path
                    + " (use the path template as the spec writes it, e.g. /albums/{id})");
        }
        JsonNode responses = operation.path("responses");
        String code = Integer.toString(status);
        JsonNode declared = responses.has(code) ? responses.get(code) : responses.path("default");
        if (declared.isMissingNode()) {
            return List.of("status " + status + " is not declared; the spec allows " + fieldNames(responses));
        }
        JsonNode declaredContent = declared.path("content");
        JsonNode content = declaredContent.path("application/json");
        if (content.isMissingNode() && declaredContent.size() > 0) {
            return binaryViolations(declaredContent, contentType);
        }
        if (content.isMissingNode() && status >= 400 && isImmichErrorBody(body)) {
            // An error the spec declares without a body: Immich still answers with its error JSON.
            return List.of();
        }
        if (content.isMissingNode()) {
            return body == null || body.isEmpty() ? List.of() : List.of("status " + status
                    + " has no body in the spec, but the response has " + body.length() + " characters");
        }
        List<String> violations = new ArrayList<>();
        if (contentType.isEmpty() || !contentType.get().toLowerCase(Locale.ROOT).startsWith("application/json")) {
            violations.add("content type is " + contentType.orElse("(none)") + ", expected application/json");
        }
        JsonNode instance;
        try {
            instance = JSON.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            violations.add("body is not JSON: " + e.getOriginalMessage());
            return violations;
        }
        if (instance == null || instance.isMissingNode()) {
            violations.add("body is empty, expected JSON");
            return violations;
        }
        String pointer = "/paths/" + escape(path) + "/" + verb + "/responses/"
                + (responses.has(code) ? code : "default") + "/content/application~1json/schema";
        violations.addAll(validate(pointer, instance));
        return violations;
    }

    // Files (originals, thumbnails) are declared as application/octet-stream whatever their real type;
    // other declared types (a video playlist) must be what the response says it is. No body check.
    private static List<String> binaryViolations(JsonNode declaredContent, Optional<String> contentType) {
        List<String> types = fieldNames(declaredContent);
        if (types.contains("application/octet-stream")) {
            return List.of();
        }
        String actual = contentType.orElse("").toLowerCase(Locale.ROOT);
        return types.stream().anyMatch(actual::startsWith) ? List.of()
                : List.of("content type is " + contentType.orElse("(none)") + ", expected one of " + types);
    }

    /** Violations of {@code #/components/schemas/<name>} by {@code instance}. */
    public List<String> violationsOfSchema(String name, JsonNode instance) {
        if (spec.path("components").path("schemas").path(name).isMissingNode()) {
            throw new IllegalArgumentException("the spec has no schema " + name);
        }
        return validate("/components/schemas/" + escape(name), instance);
    }

    private List<String> validate(String pointer, JsonNode instance) {
        Schema schema = schemas.computeIfAbsent(pointer,
                p -> registry.getSchema(SchemaLocation.of(SPEC_URI + "#" + p)));
        List<String> out = new ArrayList<>();
        for (Error error : schema.validate(instance)) {
            out.add(location(error) + ": " + error.getMessage() + " [" + error.getKeyword() + "]");
        }
        return out;
    }

    private static String location(Error error) {
        return error.getInstanceLocation().toString();
    }

    private static String escape(String pointerToken) {
        return pointerToken.replace("~", "~0").replace("/", "~1");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "(none)";
        }
        return body.length() <= 2000 ? body : body.substring(0, 2000) + "... (" + body.length() + " characters)";
    }

    /**
     * A spec file: in the folder the system property names, else in {@code shared/immich-openapi} of
     * the nearest folder above the working directory that has it (the project root's {@code ../shared}).
     */
    static Path locateSpec(String fileName) {
        String override = System.getProperty("shoebox.openapi.dir");
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override).resolve(fileName).toAbsolutePath();
            if (!Files.isRegularFile(p)) {
                throw new IllegalStateException("shoebox.openapi.dir has no " + fileName + " (looked for " + p + ")");
            }
            return p;
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path inside = dir.resolve("shared/immich-openapi").resolve(fileName);
            if (Files.isRegularFile(inside)) {
                return inside;
            }
        }
        throw new IllegalStateException("cannot find shared/immich-openapi/" + fileName + " in any folder above "
                + start + "; put the shared folder beside the project, or set -Dshoebox.openapi.dir=<folder>");
    }
}
