package app.shoebox.client.sources;

import app.shoebox.client.api.ServerInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the media files of one folder into upload groups: live photos (a still and a video with
 * the same name), and, when asked, RAW+JPEG pairs and bursts as stacks. Shared by every source.
 */
public final class Grouper {

    public record Options(boolean stackRawJpeg, boolean stackBursts) {
        public static final Options NONE = new Options(false, false);
    }

    private static final Set<String> LIVE_STILLS = Set.of(".heic", ".heif", ".jpg", ".jpeg");
    private static final Set<String> LIVE_MOTIONS = Set.of(".mov", ".mp4");
    private static final Set<String> JPEG_LIKE = Set.of(".jpg", ".jpeg", ".heic", ".heif");
    private static final Set<String> RAW = Set.of(".3fr", ".ari", ".arw", ".cap", ".cr2", ".cr3", ".crw", ".dcr", ".dng",
            ".erf", ".fff", ".iiq", ".k25", ".kdc", ".mrw", ".nef", ".nrw", ".orf", ".ori", ".pef", ".raf", ".raw", ".rw2",
            ".rwl", ".sr2", ".srf", ".srw", ".x3f");

    /** Burst names: Pixel/Android {@code IMG_..._BURST001[_COVER]}, Huawei {@code 00001IMG_00001_BURST<time>[_COVER]}, Samsung {@code yyyyMMdd_HHmmss_001}. */
    private static final List<Pattern> BURSTS = List.of(
            Pattern.compile("(?i)^(.*)_BURST\\d{3}(_COVER)?\\.(jpe?g|heic)$"),
            Pattern.compile("(?i)^\\d{5}IMG_\\d{5}_(BURST\\d{14})(_COVER)?\\.(jpe?g|heic)$"),
            Pattern.compile("(?i)^(\\d{8}_\\d{6})_\\d{3}\\.(jpe?g|heic)$"));

    private Grouper() {
    }

    /** Groups the files of one folder; files keep their order within and across groups. */
    public static List<AssetGroup> group(List<SourceAsset> files, Options options) {
        Map<String, List<SourceAsset>> byStem = new LinkedHashMap<>();
        for (SourceAsset a : files) {
            byStem.computeIfAbsent(stem(a.fileName()), k -> new ArrayList<>()).add(a);
        }
        Map<SourceAsset, AssetGroup> placed = new java.util.IdentityHashMap<>();
        for (List<SourceAsset> same : byStem.values()) {
            SourceAsset still = first(same, LIVE_STILLS, ServerInfo.AssetType.IMAGE);
            SourceAsset motion = first(same, LIVE_MOTIONS, ServerInfo.AssetType.VIDEO);
            if (still != null && motion != null) {
                AssetGroup g = AssetGroup.livePhoto(still, motion);
                placed.put(still, g);
                placed.put(motion, g);
            }
            if (options.stackRawJpeg()) {
                SourceAsset jpeg = same.stream().filter(a -> !placed.containsKey(a) && JPEG_LIKE.contains(ext(a))).findFirst().orElse(null);
                SourceAsset raw = same.stream().filter(a -> !placed.containsKey(a) && RAW.contains(ext(a))).findFirst().orElse(null);
                if (jpeg != null && raw != null) {
                    AssetGroup g = new AssetGroup(AssetGroup.Kind.STACK, List.of(jpeg, raw));
                    placed.put(jpeg, g);
                    placed.put(raw, g);
                }
            }
        }
        if (options.stackBursts()) {
            Map<String, List<SourceAsset>> bursts = new LinkedHashMap<>();
            for (SourceAsset a : files) {
                if (placed.containsKey(a)) {
                    continue;
                }
                for (Pattern p : BURSTS) {
                    Matcher m = p.matcher(a.fileName());
                    if (m.matches()) {
                        bursts.computeIfAbsent(p.pattern() + "|" + m.group(1).toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(a);
                        break;
                    }
                }
            }
            for (List<SourceAsset> burst : bursts.values()) {
                if (burst.size() < 2) {
                    continue;
                }
                List<SourceAsset> ordered = new ArrayList<>(burst);
                ordered.sort(Comparator.comparing((SourceAsset a) -> !a.fileName().toUpperCase(Locale.ROOT).contains("_COVER"))
                        .thenComparing(SourceAsset::fileName));
                AssetGroup g = new AssetGroup(AssetGroup.Kind.STACK, ordered);
                ordered.forEach(a -> placed.put(a, g));
            }
        }
        List<AssetGroup> out = new ArrayList<>();
        java.util.Set<AssetGroup> emitted = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (SourceAsset a : files) {
            AssetGroup g = placed.get(a);
            if (g == null) {
                out.add(AssetGroup.single(a));
            } else if (emitted.add(g)) {
                out.add(g);
            }
        }
        return out;
    }

    private static SourceAsset first(List<SourceAsset> same, Set<String> exts, ServerInfo.AssetType type) {
        return same.stream().filter(a -> a.type() == type && exts.contains(ext(a))).findFirst().orElse(null);
    }

    private static String ext(SourceAsset a) {
        return ServerInfo.MediaTypes.extension(a.fileName());
    }

    /** The name without its extension, lower case: what a live photo's two halves share. */
    public static String stem(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return (dot > 0 ? fileName.substring(0, dot) : fileName).toLowerCase(Locale.ROOT);
    }
}
