package app.shoebox.server.storage;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an original lives, as a template such as {@code {year}/{month}/{filename}}. The template is
 * checked once, when it is configured: only known tokens, relative, no {@code ..}. Every value put
 * into it is made safe for a path segment, so an asset's name can never steer a file out of its
 * owner's folder.
 */
public final class StorageTemplate {

    public static final String DEFAULT = "{year}/{month}/{filename}";

    /** The tokens a template may use. */
    public static final Set<String> TOKENS = Set.of("year", "month", "day", "hour", "minute", "second",
            "filename", "ext", "filetype", "assetId");

    private static final Pattern TOKEN = Pattern.compile("\\{([A-Za-z]+)}");
    // Characters that are unsafe or awkward in file names on the file systems libraries live on.
    private static final Pattern UNSAFE = Pattern.compile("[\\p{Cntrl}/\\\\:*?\"<>|]");

    /** What a template needs to know of an asset. */
    public record AssetFacts(UUID assetId, LocalDateTime localDateTime, String originalFileName, String extension,
                             boolean video) {}

    private final String template;
    private final List<String> segments;

    private StorageTemplate(String template, List<String> segments) {
        this.template = template;
        this.segments = segments;
    }

    /**
     * Parses and checks a template; a bad one is an {@link IllegalArgumentException} that says what
     * is wrong, for the start-up error.
     */
    public static StorageTemplate parse(String template) {
        String t = template.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("the storage template is empty; use e.g. " + DEFAULT);
        }
        if (t.startsWith("/") || t.startsWith("\\")) {
            throw new IllegalArgumentException("the storage template '" + template
                    + "' must be relative (it is laid out inside each user's library folder)");
        }
        Matcher m = TOKEN.matcher(t);
        boolean hasName = false;
        while (m.find()) {
            if (!TOKENS.contains(m.group(1))) {
                throw new IllegalArgumentException("the storage template '" + template + "' uses an unknown token {"
                        + m.group(1) + "}; known tokens: " + TOKENS.stream().sorted().map(s -> "{" + s + "}").toList());
            }
            hasName |= m.group(1).equals("filename") || m.group(1).equals("assetId");
        }
        List<String> segments = List.of(t.split("/"));
        for (String s : segments) {
            if (s.isBlank() || s.equals(".") || s.equals("..")) {
                throw new IllegalArgumentException("the storage template '" + template
                        + "' has an empty, '.' or '..' folder; each part between slashes needs a name");
            }
        }
        if (!hasName || !TOKEN.matcher(segments.getLast()).find()) {
            throw new IllegalArgumentException("the storage template '" + template
                    + "' must end in a file name that uses {filename} or {assetId}, so that files do not collide");
        }
        return new StorageTemplate(t, segments);
    }

    public String template() {
        return template;
    }

    /**
     * The relative path (with {@code /} separators and the extension) for an asset. Each segment is
     * sanitised; the result never contains {@code ..} or an absolute part.
     */
    public String render(AssetFacts facts) {
        List<String> out = new ArrayList<>(segments.size());
        for (int i = 0; i < segments.size(); i++) {
            String rendered = fill(segments.get(i), facts);
            String safe = sanitise(rendered);
            if (i == segments.size() - 1) {
                safe = safe + facts.extension().toLowerCase(Locale.ROOT);
            }
            out.add(safe);
        }
        return String.join("/", out);
    }

    private static String fill(String segment, AssetFacts f) {
        Matcher m = TOKEN.matcher(segment);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            LocalDateTime t = f.localDateTime();
            String value = switch (m.group(1)) {
                case "year" -> String.format("%04d", t.getYear());
                case "month" -> String.format("%02d", t.getMonthValue());
                case "day" -> String.format("%02d", t.getDayOfMonth());
                case "hour" -> String.format("%02d", t.getHour());
                case "minute" -> String.format("%02d", t.getMinute());
                case "second" -> String.format("%02d", t.getSecond());
                case "filename" -> baseName(f.originalFileName());
                case "ext" -> f.extension().startsWith(".") ? f.extension().substring(1) : f.extension();
                case "filetype" -> f.video() ? "VID" : "IMG";
                case "assetId" -> f.assetId().toString();
                default -> throw new IllegalStateException("checked in parse: " + m.group(1));
            };
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String baseName(String fileName) {
        String name = fileName.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** One path segment: no separators, no control characters, never "." or "..", at most 200 bytes. */
    static String sanitise(String segment) {
        String s = UNSAFE.matcher(segment).replaceAll("_").strip();
        while (s.startsWith(".")) {
            s = s.substring(1);
        }
        if (s.isEmpty()) {
            s = "_";
        }
        // Leave room for a collision suffix and the extension inside the usual 255-byte name limit.
        while (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 200) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** The n-th alternative of a taken path: {@code a/b/name+1.jpg}, {@code name+2.jpg}, ... as Immich does. */
    public static String withSuffix(String relativePath, int n) {
        if (n == 0) {
            return relativePath;
        }
        int slash = relativePath.lastIndexOf('/');
        int dot = relativePath.lastIndexOf('.');
        if (dot <= slash) {
            return relativePath + "+" + n;
        }
        return relativePath.substring(0, dot) + "+" + n + relativePath.substring(dot);
    }

    @Override
    public String toString() {
        return template;
    }
}
