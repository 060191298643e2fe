package app.shoebox.server.system;

import app.shoebox.server.auth.Permission;
import app.shoebox.server.http.Access;
import app.shoebox.server.http.Api;
import app.shoebox.server.http.ApiException;
import app.shoebox.server.http.Validation;
import app.shoebox.server.queues.QueueNames;
import app.shoebox.server.queues.QueueService;
import app.shoebox.server.storage.StorageTemplate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/system-config} and {@code /api/system-metadata/admin-onboarding} (admins).
 *
 * <p>Shoebox has two of Immich's settings: the concurrency of each job queue (changed at run time)
 * and the storage template (chosen when the server starts). {@code GET /system-config} answers the
 * whole {@code SystemConfigDto}: those two as they are, every feature Shoebox lacks switched off
 * (machine learning, OAuth, map, transcoding, e-mail, backups) and the rest at Immich's defaults.
 * {@code PUT} takes the whole document back, as Immich's clients send it: a changed concurrency
 * is applied, any other change is refused with a 400 that names the setting and says why.
 */
public final class SystemRoutes implements Api.Routes {

    /** Queue concurrency without a persisted per-queue limit is bounded by the worker's node-wide limit. */
    static final int NODE_WIDE_LIMIT = 1000;

    /** Immich's job settings and the queue each stands for. */
    static final List<String> JOB_SETTINGS = List.of("backgroundTask", "editor", "faceDetection", "integrityCheck", "library",
            "metadataExtraction", "migration", "notifications", "ocr", "search", "sidecar", "smartSearch",
            "thumbnailGeneration", "videoConversion", "workflow");

    private static final String ONBOARDING = "admin-onboarding";

    private final ObjectMapper mapper;
    private final QueueService queues;
    private final Optional<StorageTemplate> storageTemplate;
    private final SystemMetadata metadata;
    private final ObjectNode defaults;

    public SystemRoutes(ObjectMapper mapper, QueueService queues, Optional<StorageTemplate> storageTemplate, SystemMetadata metadata) {
        this.mapper = mapper;
        this.queues = queues;
        this.storageTemplate = storageTemplate;
        this.metadata = metadata;
        try (InputStream in = SystemRoutes.class.getResourceAsStream("/system/system-config.json")) {
            this.defaults = (ObjectNode) mapper.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the system configuration defaults", e);
        }
    }

    @Override
    public void register(Api api) {
        api.get("/system-config", Access.admin(Permission.SYSTEM_CONFIG_READ), (ctx, user) -> ctx.json(current()));
        api.put("/system-config", Access.admin(Permission.SYSTEM_CONFIG_UPDATE), (ctx, user) -> {
            JsonNode wanted = ctx.bodyAsClass(JsonNode.class);
            if (wanted == null || !wanted.isObject()) {
                throw Validation.fail(Validation.invalidType("object", wanted));
            }
            ObjectNode now = current();
            List<String> refused = new ArrayList<>();
            differences(wanted, now, "", refused);
            Map<String, Integer> concurrency = new java.util.LinkedHashMap<>();
            refused.removeIf(path -> {
                if (!path.startsWith("job.") || !path.endsWith(".concurrency")) {
                    return false;
                }
                String queue = path.substring(4, path.length() - ".concurrency".length());
                JsonNode value = wanted.at("/job/" + queue + "/concurrency");
                if (!value.isIntegralNumber() || value.asInt() < 1) {
                    throw Validation.fail(Validation.custom("Too small: expected number to be >=1", "job", queue, "concurrency"));
                }
                concurrency.put(queue, value.asInt());
                return true;
            });
            if (!refused.isEmpty()) {
                throw ApiException.badRequest("Shoebox cannot change " + String.join(", ", refused)
                        + ": of the system settings only job concurrency is changed here (the storage template is chosen "
                        + "when the server starts, with --storage-template); send the other settings as GET /api/system-config gives them");
            }
            concurrency.forEach(queues::setConcurrency);
            if (!concurrency.isEmpty()) {
                metadata.announceConfigUpdate(user.id());
            }
            ctx.json(current());
        });
        api.get("/system-metadata/admin-onboarding", Access.admin(Permission.SYSTEM_METADATA_READ), (ctx, user) ->
                ctx.json(Map.of("isOnboarded", isOnboarded())));
        api.post("/system-metadata/admin-onboarding", Access.admin(Permission.SYSTEM_METADATA_UPDATE), (ctx, user) -> {
            JsonNode body = ctx.bodyAsClass(JsonNode.class);
            JsonNode flag = body == null ? null : body.get("isOnboarded");
            if (flag == null || !flag.isBoolean()) {
                throw Validation.fail(flag == null ? Validation.required("boolean", "isOnboarded")
                        : Validation.invalidType("boolean", flag, "isOnboarded"));
            }
            metadata.put(ONBOARDING, mapper.createObjectNode().put("isOnboarded", flag.booleanValue()));
            ctx.status(204);
        });
    }

    /** Whether an admin finished Immich's onboarding (also reported by {@code GET /server/config}). */
    public boolean isOnboarded() {
        return metadata.get(ONBOARDING).map(v -> v.path("isOnboarded").asBoolean(false)).orElse(false);
    }

    ObjectNode current() {
        ObjectNode config = defaults.deepCopy();
        ObjectNode job = config.putObject("job");
        Map<String, Integer> persisted = new java.util.HashMap<>();
        queues.all().forEach(q -> persisted.put(q.name(), q.concurrency()));
        for (String name : JOB_SETTINGS) {
            int c = QueueNames.isKnown(name) ? persisted.getOrDefault(name, -1) : -1;
            job.putObject(name).put("concurrency", c < 0 ? NODE_WIDE_LIMIT : Math.max(1, c));
        }
        ObjectNode template = (ObjectNode) config.get("storageTemplate");
        storageTemplate.ifPresent(t -> template.put("enabled", true).put("template", t.template()));
        return config;
    }

    /** Dotted paths where {@code wanted} differs from {@code now}; fields {@code now} lacks are ignored (as zod strips them). */
    private static void differences(JsonNode wanted, JsonNode now, String prefix, List<String> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = now.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode w = wanted.get(e.getKey());
            if (w == null) {
                continue;
            }
            if (e.getValue().isObject() && w.isObject()) {
                differences(w, e.getValue(), path, out);
            } else if (!sameValue(w, e.getValue())) {
                out.add(path);
            }
        }
    }

    private static boolean sameValue(JsonNode a, JsonNode b) {
        return a.isNumber() && b.isNumber() ? a.decimalValue().compareTo(b.decimalValue()) == 0 : a.equals(b);
    }
}
