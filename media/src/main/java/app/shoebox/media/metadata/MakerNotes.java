package app.shoebox.media.metadata;

import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.makernotes.CanonMakernoteDirectory;
import com.drew.metadata.exif.makernotes.CasioType1MakernoteDirectory;
import com.drew.metadata.exif.makernotes.CasioType2MakernoteDirectory;
import com.drew.metadata.exif.makernotes.FujifilmMakernoteDirectory;
import com.drew.metadata.exif.makernotes.KodakMakernoteDirectory;
import com.drew.metadata.exif.makernotes.NikonType2MakernoteDirectory;
import com.drew.metadata.exif.makernotes.PentaxMakernoteDirectory;

import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The maker-note values exiftool reads and metadata-extractor leaves raw: the ISO of cameras that
 * write it only there (older Canon compacts, Nikon, Pentax, Casio, Kodak), the camera's time-zone setting
 * (Canon, Nikon), and Fujifilm's rating. Each decoding follows exiftool's (Canon.pm, Nikon.pm,
 * Pentax.pm, Casio.pm, FujiFilm.pm).
 */
final class MakerNotes {

    private static final int CANON_TIME_INFO = 0x0035;
    private static final int FUJIFILM_RATING = 0x1431;
    private static final int CASIO_ISO = 0x0014;

    private MakerNotes() {
    }

    /** exiftool's {@code ISO} when EXIF has none. */
    static Optional<Integer> iso(Metadata m) {
        return canonIso(m).or(() -> nikonIso(m)).or(() -> pentaxIso(m)).or(() -> casioIso(m)).or(() -> kodakIso(m))
                .filter(i -> i > 0);
    }

    /**
     * Canon's composite ISO: CameraSettings' CameraISO when it is a number, else BaseISO x AutoISO / 100
     * from ShotInfo (older compacts that were set to "Auto").
     */
    private static Optional<Integer> canonIso(Metadata m) {
        for (CanonMakernoteDirectory d : m.getDirectoriesOfType(CanonMakernoteDirectory.class)) {
            Integer camera = d.getInteger(CanonMakernoteDirectory.CameraSettings.TAG_ISO);
            if (camera != null) {
                int v = camera & 0xFFFF;
                if ((v & 0x4000) != 0) {
                    return Optional.of(v & 0x3FFF);
                }
                Integer fromTable = switch (v) {
                    case 0x10 -> 50;
                    case 0x11 -> 100;
                    case 0x12 -> 200;
                    case 0x13 -> 400;
                    case 0x14 -> 800;
                    default -> null;
                };
                if (fromTable != null) {
                    return Optional.of(fromTable);
                }
            }
            Integer auto = d.getInteger(CanonMakernoteDirectory.ShotInfo.TAG_AUTO_ISO);
            Integer base = d.getInteger(CanonMakernoteDirectory.ShotInfo.TAG_BASE_ISO);
            if (auto != null && base != null) {
                double autoIso = Math.exp((short) (int) auto / 32.0 * Math.log(2)) * 100;
                double baseIso = Math.exp((short) (int) base / 32.0 * Math.log(2)) * 100 / 32;
                return Optional.of((int) Math.round(baseIso * autoIso / 100));
            }
        }
        return Optional.empty();
    }

    /** Nikon's ISO (0x0002): two numbers, the second is the ISO. */
    private static Optional<Integer> nikonIso(Metadata m) {
        for (NikonType2MakernoteDirectory d : m.getDirectoriesOfType(NikonType2MakernoteDirectory.class)) {
            int[] v = ints(d, NikonType2MakernoteDirectory.TAG_ISO_1);
            if (v != null && v.length >= 2 && v[1] > 0) {
                return Optional.of(v[1]);
            }
        }
        return Optional.empty();
    }

    /** Pentax's ISO (0x0014): a step number (3 = ISO 50, three steps a stop) or, on later models, the ISO itself. */
    private static Optional<Integer> pentaxIso(Metadata m) {
        for (PentaxMakernoteDirectory d : m.getDirectoriesOfType(PentaxMakernoteDirectory.class)) {
            Optional<Integer> v = steps(d.getInteger(PentaxMakernoteDirectory.TAG_ISO_SPEED));
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    private static Optional<Integer> steps(Integer v) {
        if (v == null) {
            return Optional.empty();
        }
        if (v >= 3 && v < 3 + STANDARD_ISO.length) {
            return Optional.of(STANDARD_ISO[v - 3]);
        }
        return v >= 50 ? Optional.of(v) : Optional.empty();
    }

    // ISO 50 in third stops, the series cameras print (exiftool's Pentax ISO table, values 3 to 39).
    private static final int[] STANDARD_ISO = {50, 64, 80, 100, 125, 160, 200, 250, 320, 400, 500, 640, 800, 1000, 1250,
            1600, 2000, 2500, 3200, 4000, 5000, 6400, 8000, 10000, 12800, 16000, 20000, 25600, 32000, 40000, 51200,
            64000, 80000, 102400, 128000, 160000, 204800};

    /**
     * Casio (and the older Pentax compacts that share its maker-note format): the same step numbers
     * as Pentax (3 = ISO 50), or the ISO itself.
     */
    private static Optional<Integer> casioIso(Metadata m) {
        for (Directory d : m.getDirectoriesOfType(CasioType2MakernoteDirectory.class)) {
            Optional<Integer> v = steps(d.getInteger(CasioType2MakernoteDirectory.TAG_ISO_SENSITIVITY));
            if (v.isPresent()) {
                return v;
            }
        }
        for (Directory d : m.getDirectoriesOfType(CasioType1MakernoteDirectory.class)) {
            Optional<Integer> v = steps(d.getInteger(CASIO_ISO));
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    /** Kodak's ISO (0x0060), written as the number. */
    private static Optional<Integer> kodakIso(Metadata m) {
        for (KodakMakernoteDirectory d : m.getDirectoriesOfType(KodakMakernoteDirectory.class)) {
            Integer v = d.getInteger(KodakMakernoteDirectory.TAG_ISO);
            if (v != null && v > 0) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** The camera's time-zone setting: Canon's TimeInfo, Nikon's WorldTime (minutes east of UTC). */
    static Optional<ZoneOffset> timeZone(Metadata m) {
        for (CanonMakernoteDirectory d : m.getDirectoriesOfType(CanonMakernoteDirectory.class)) {
            int[] v = ints(d, CANON_TIME_INFO);
            if (v != null && v.length >= 2) {
                return minutes(v[1]);
            }
        }
        for (NikonType2MakernoteDirectory d : m.getDirectoriesOfType(NikonType2MakernoteDirectory.class)) {
            byte[] b = d.getByteArray(NikonType2MakernoteDirectory.TAG_WORLD_TIME);
            if (b != null && b.length >= 2) {
                // Nikon writes its maker notes big-endian; a few models little-endian: take the reading that is a real zone.
                Optional<ZoneOffset> big = minutes((short) ((b[0] & 0xFF) << 8 | (b[1] & 0xFF)));
                return big.isPresent() ? big : minutes((short) ((b[1] & 0xFF) << 8 | (b[0] & 0xFF)));
            }
        }
        return Optional.empty();
    }

    private static Optional<ZoneOffset> minutes(int minutes) {
        return Math.abs(minutes) <= 14 * 60 && minutes % 15 == 0
                ? Optional.of(ZoneOffset.ofTotalSeconds(minutes * 60)) : Optional.empty();
    }

    /** Fujifilm's rating (0x1431), which the X series writes when a photo is rated in the camera. */
    static Optional<Integer> rating(Metadata m) {
        for (FujifilmMakernoteDirectory d : m.getDirectoriesOfType(FujifilmMakernoteDirectory.class)) {
            Integer v = d.getInteger(FUJIFILM_RATING);
            if (v != null) {
                return MetadataExtractor.rating(v.toString());
            }
        }
        return Optional.empty();
    }

    private static int[] ints(Directory d, int tag) {
        Object o = d.getObject(tag);
        if (o instanceof int[] a) {
            return a;
        }
        if (o instanceof short[] s) {
            int[] a = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                a[i] = s[i];
            }
            return a;
        }
        if (o instanceof long[] l) {
            int[] a = new int[l.length];
            for (int i = 0; i < l.length; i++) {
                a[i] = (int) l[i];
            }
            return a;
        }
        return null;
    }
}
