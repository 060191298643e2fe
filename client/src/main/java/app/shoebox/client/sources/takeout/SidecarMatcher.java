package app.shoebox.client.sources.takeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a media file's JSON sidecar among the JSON files of its folder, under Google's naming
 * rules, which nobody documents but every Takeout shows:
 * <ul>
 * <li>the sidecar is named after the file: {@code IMG_1.jpg.json}, or since 2024
 *     {@code IMG_1.jpg.supplemental-metadata.json};</li>
 * <li>the name before {@code .json} is cut at 46 characters (UTF-16 units; 45 or 47 seen where a
 *     character would be split): {@code 05yqt...wwlh 2.jp.json}, and the
 *     {@code .supplemental-metadata} part anywhere ({@code IMG_1.jpg.supplemental-me.json},
 *     {@code .suppl.json});</li>
 * <li>a file renamed to avoid a clash, {@code IMG_1(1).jpg}, has its counter after the cut name
 *     in the sidecar's: {@code IMG_1.jpg(1).json} or {@code IMG_1.jpg.supplemental-metadata(1).json};</li>
 * <li>an edited copy, {@code IMG_1-edited.jpg} (or {@code -bearbeitet}, {@code -modifié}, ... in
 *     the account's language), shares the original's sidecar;</li>
 * <li>failing all that, a sidecar whose {@code title} is the file's name, when only one has it.</li>
 * </ul>
 */
final class SidecarMatcher {

    /** One folder's sidecars. */
    static final class Folder<T> {
        private final Map<String, T> byName = new HashMap<>();
        private final Map<String, List<T>> byTitle = new HashMap<>();

        /** {@code jsonName} is the file's name, {@code .json} included. */
        void add(String jsonName, String title, T sidecar) {
            Parsed p = parseJson(jsonName);
            byName.putIfAbsent(key(p.base(), p.index()), sidecar);
            if (!title.isBlank()) {
                byTitle.computeIfAbsent(title, k -> new ArrayList<>()).add(sidecar);
            }
        }

        boolean isEmpty() {
            return byName.isEmpty();
        }
    }

    /** How a file was matched, for tests and reports. */
    enum Rule { NAME, COUNTER, EDITED, TITLE }

    record Match<T>(T sidecar, Rule rule) {
    }

    private record Parsed(String base, String index) {
    }

    private static final String SUPPLEMENTAL = ".supplemental-metadata";
    private static final Pattern COUNTER_BEFORE_EXTENSION = Pattern.compile("^(.*)\\((\\d+)\\)(\\.[^.()]*)$");
    private static final Pattern COUNTER_AT_END = Pattern.compile("^(.*)\\((\\d+)\\)$");
    private static final Pattern JSON_COUNTER = Pattern.compile("^(.*)\\((\\d+)\\)$");

    /** "Edited" in the languages Google Photos exports in, as the suffix of an edited copy. */
    private static final Set<String> EDITED = Set.of("edited", "bearbeitet", "modifié", "modifie", "modificato", "editado",
            "editada", "bewerkt", "redigeret", "redigert", "redigerad", "muokattu", "edytowane", "upraveno", "upravené",
            "szerkesztett", "editat", "düzenlendi", "отредактировано", "изменено", "編集済み", "已编辑", "已編輯", "편집됨",
            "diedit", "đã chỉnh sửa", "แก้ไขแล้ว", "επεξεργασμένο");

    private SidecarMatcher() {
    }

    /**
     * The sidecar of {@code mediaName}. {@code siblings} are the names of the folder's media files:
     * an edited copy takes its original's sidecar only when the original is there too.
     */
    static <T> Optional<Match<T>> match(Folder<T> folder, String mediaName, Set<String> siblings) {
        if (folder.isEmpty()) {
            return Optional.empty();
        }
        for (Parsed p : mediaForms(mediaName)) {
            Optional<T> t = lookup(folder, p);
            if (t.isPresent()) {
                return Optional.of(new Match<>(t.get(), p.index().isEmpty() ? Rule.NAME : Rule.COUNTER));
            }
        }
        for (Parsed p : mediaForms(mediaName)) {
            Optional<Parsed> original = unedited(p);
            if (original.isPresent() && siblings.contains(original.get().base())) {
                Optional<T> t = lookup(folder, original.get());
                if (t.isPresent()) {
                    return Optional.of(new Match<>(t.get(), Rule.EDITED));
                }
            }
        }
        List<T> titled = folder.byTitle.getOrDefault(mediaName, List.of());
        return titled.size() == 1 ? Optional.of(new Match<>(titled.getFirst(), Rule.TITLE)) : Optional.empty();
    }

    /** The file's name as is, then with its {@code (n)} counter taken out (before or after the extension). */
    private static List<Parsed> mediaForms(String name) {
        List<Parsed> forms = new ArrayList<>();
        forms.add(new Parsed(name, ""));
        Matcher m = COUNTER_BEFORE_EXTENSION.matcher(name);
        if (m.matches()) {
            forms.add(new Parsed(m.group(1) + m.group(3), m.group(2)));
        } else {
            Matcher end = COUNTER_AT_END.matcher(name);
            if (end.matches()) {
                forms.add(new Parsed(end.group(1), end.group(2)));
            }
        }
        return forms;
    }

    /** {@code IMG_1-edited.jpg} to {@code IMG_1.jpg}: a known word, or any suffix of letters only. */
    private static Optional<Parsed> unedited(Parsed p) {
        String base = p.base();
        int dot = base.lastIndexOf('.');
        String stem = dot > 0 ? base.substring(0, dot) : base;
        String ext = dot > 0 ? base.substring(dot) : "";
        int dash = stem.lastIndexOf('-');
        if (dash <= 0) {
            return Optional.empty();
        }
        String suffix = stem.substring(dash + 1);
        boolean known = EDITED.contains(suffix.toLowerCase(Locale.ROOT));
        boolean letters = !suffix.isEmpty() && suffix.codePoints().allMatch(Character::isLetter);
        return known || letters ? Optional.of(new Parsed(stem.substring(0, dash) + ext, p.index())) : Optional.empty();
    }

    private static <T> Optional<T> lookup(Folder<T> folder, Parsed p) {
        for (String candidate : sidecarNames(p.base())) {
            T t = folder.byName.get(key(candidate, p.index()));
            if (t != null) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The names (without {@code .json} and counter) Google may have given the sidecar of {@code base}. */
    static Set<String> sidecarNames(String base) {
        Set<String> names = new LinkedHashSet<>();
        String full = base + SUPPLEMENTAL;
        names.add(full);
        names.add(base);
        // .supplemental-metadata cut anywhere
        for (int k = base.length() + 1; k < full.length(); k++) {
            names.add(full.substring(0, k));
        }
        // the whole name cut at 46 (45 to 47) characters, counted in UTF-16 units or in code points
        for (int len = 45; len <= 47; len++) {
            if (len < full.length() && !Character.isHighSurrogate(full.charAt(len - 1))) {
                names.add(full.substring(0, len));
            }
            if (full.codePointCount(0, full.length()) > len) {
                names.add(full.substring(0, full.offsetByCodePoints(0, len)));
            }
        }
        return names;
    }

    private static Parsed parseJson(String jsonName) {
        String s = jsonName;
        if (s.toLowerCase(Locale.ROOT).endsWith(".json")) {
            s = s.substring(0, s.length() - 5);
        }
        Matcher m = JSON_COUNTER.matcher(s);
        return m.matches() ? new Parsed(m.group(1), m.group(2)) : new Parsed(s, "");
    }

    private static String key(String base, String index) {
        return base + '\u0000' + index;
    }
}
