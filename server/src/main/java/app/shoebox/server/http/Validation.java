package app.shoebox.server.http;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Field errors as Immich 3 reports them: its DTOs are zod schemas, and a request that breaks one
 * is answered {@code 400 {"message": "Validation failed", "errors": [issue, ...]}} with zod 4's
 * issues, each {@code {code, path, message}} plus the fields of its kind (e.g. {@code origin},
 * {@code format} and {@code pattern} for a malformed UUID). Clients show {@code message} and
 * locate the field by {@code path}, so both are zod's exactly.
 */
public final class Validation {

    /**
     * zod 4's {@code z.uuidv4()} pattern as its issue prints it: the pattern Immich's spec gives
     * every id (a version-4 UUID, which is all Shoebox makes).
     */
    static final String UUID_PATTERN = "/^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12})$/";

    private static final Pattern UUID_REGEX = Pattern.compile(UUID_PATTERN.substring(1, UUID_PATTERN.length() - 1));

    private Validation() {
    }

    /** A UUID as Immich accepts one, or a validation failure at {@code path} ("Invalid UUID"). */
    public static UUID uuid(String value, Object... path) {
        if (value == null || !UUID_REGEX.matcher(value).matches()) {
            throw ApiException.validation(List.of(value == null ? required("string", path) : invalidUuid(path)));
        }
        return UUID.fromString(value);
    }

    /** Each of {@code values} as a UUID, located at {@code field[i]}; every bad one is reported. */
    public static List<UUID> uuids(List<?> values, String field) {
        List<Map<String, Object>> issues = new ArrayList<>();
        List<UUID> ids = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            if (v instanceof String s && UUID_REGEX.matcher(s).matches()) {
                ids.add(UUID.fromString(s));
            } else if (v instanceof String) {
                issues.add(invalidUuid(field, i));
            } else {
                issues.add(invalidType("string", v, field, i));
            }
        }
        if (!issues.isEmpty()) {
            throw ApiException.validation(issues);
        }
        return ids;
    }

    public static boolean isUuid(String value) {
        return value != null && UUID_REGEX.matcher(value).matches();
    }

    /** zod's issue for a string that is not a UUID. */
    public static Map<String, Object> invalidUuid(Object... path) {
        Map<String, Object> issue = new LinkedHashMap<>();
        issue.put("origin", "string");
        issue.put("code", "invalid_format");
        issue.put("format", "uuid");
        issue.put("pattern", UUID_PATTERN);
        issue.put("path", List.of(path));
        issue.put("message", "Invalid UUID");
        return issue;
    }

    /** zod's issue for a value of the wrong JSON type; {@code received} is the value (null for a missing one). */
    public static Map<String, Object> invalidType(String expected, Object received, Object... path) {
        Map<String, Object> issue = new LinkedHashMap<>();
        issue.put("expected", expected);
        issue.put("code", "invalid_type");
        issue.put("path", List.of(path));
        issue.put("message", "Invalid input: expected " + expected + ", received " + typeName(received));
        return issue;
    }

    /** zod's issue for a required field that is missing. */
    public static Map<String, Object> required(String expected, Object... path) {
        return invalidType(expected, Missing.VALUE, path);
    }

    /** zod's issue for a value outside an enum. */
    public static Map<String, Object> invalidValue(Collection<String> allowed, Object... path) {
        Map<String, Object> issue = new LinkedHashMap<>();
        issue.put("code", "invalid_value");
        issue.put("values", List.copyOf(allowed));
        issue.put("path", List.of(path));
        issue.put("message", allowed.size() == 1
                ? "Invalid input: expected \"" + allowed.iterator().next() + "\""
                : "Invalid option: expected one of " + allowed.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining("|")));
        return issue;
    }

    /** zod's issue for an array with fewer than {@code minimum} items. */
    public static Map<String, Object> tooSmall(int minimum, Object... path) {
        Map<String, Object> issue = new LinkedHashMap<>();
        issue.put("origin", "array");
        issue.put("code", "too_small");
        issue.put("minimum", minimum);
        issue.put("inclusive", true);
        issue.put("path", List.of(path));
        issue.put("message", "Too small: expected array to have >=" + minimum + " items");
        return issue;
    }

    /** zod's issue for a refinement (a rule of its own, with its own message). */
    public static Map<String, Object> custom(String message, Object... path) {
        Map<String, Object> issue = new LinkedHashMap<>();
        issue.put("code", "custom");
        issue.put("path", List.of(path));
        issue.put("message", message);
        return issue;
    }

    /** Throws the failure for one issue. */
    public static ApiException fail(Map<String, Object> issue) {
        return ApiException.validation(List.of(issue));
    }

    /** An enum value from its wire name, or the {@code invalid_value} failure at {@code path}. */
    public static <E> E oneOf(String value, Map<String, E> byName, Object... path) {
        return Optional.ofNullable(byName.get(value)).orElseThrow(() -> fail(invalidValue(byName.keySet(), path)));
    }

    private enum Missing { VALUE }

    /** How zod 4 names a received value's type. */
    private static String typeName(Object v) {
        if (v == Missing.VALUE) {
            return "undefined";
        }
        if (v == null) {
            return "null";
        }
        if (v instanceof com.fasterxml.jackson.databind.JsonNode n) {
            return switch (n.getNodeType()) {
                case ARRAY -> "array";
                case BOOLEAN -> "boolean";
                case NULL, MISSING -> n.isMissingNode() ? "undefined" : "null";
                case NUMBER -> "number";
                case OBJECT, POJO, BINARY -> "object";
                case STRING -> "string";
            };
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Number) {
            return "number";
        }
        if (v instanceof Boolean) {
            return "boolean";
        }
        if (v instanceof List<?> || v.getClass().isArray()) {
            return "array";
        }
        return "object";
    }
}
