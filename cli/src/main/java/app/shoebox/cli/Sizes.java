package app.shoebox.cli;

import java.util.Locale;

/** Byte counts as people read them (decimal units, as disks are sold). */
public final class Sizes {

    private Sizes() {
    }

    public static String bytes(long n) {
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        double v = n;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
