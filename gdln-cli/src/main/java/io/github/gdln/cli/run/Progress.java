package io.github.gdln.cli.run;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of long work (epochs, sweep points). On a terminal: one bar redrawn in place with the rate and the ETA.
 * Otherwise (CI, files): a plain line at most every {@code interval} seconds, plus the last.
 */
public final class Progress {
    private final PrintStream out;
    private final boolean terminal;
    private final String what;
    private final String unit;
    private final long total;
    private final long intervalNanos;
    private final long start = System.nanoTime();
    private long lastPrint;
    private long startCount = -1;

    /**
     * @param out             where to write
     * @param terminal        draw a bar (true) or print plain lines
     * @param what            label, e.g. the experiment name
     * @param unit            unit of work, e.g. {@code epoch}
     * @param total           units in all
     * @param intervalSeconds seconds between plain lines
     */
    public Progress(PrintStream out, boolean terminal, String what, String unit, long total, double intervalSeconds) {
        this.out = out;
        this.terminal = terminal;
        this.what = what;
        this.unit = unit;
        this.total = Math.max(1, total);
        this.intervalNanos = (long) (intervalSeconds * 1e9);
        this.lastPrint = start;
    }

    /** Reports that {@code done} units are finished; {@code note} is shown beside (e.g. the loss). */
    public synchronized void update(long done, String note) {
        if (startCount < 0) {
            startCount = done;
        }
        long now = System.nanoTime();
        boolean last = done >= total;
        if (!last && now - lastPrint < (terminal ? 100_000_000L : intervalNanos)) {
            return;
        }
        lastPrint = now;
        double seconds = (now - start) / 1e9;
        double rate = seconds > 0 ? (done - startCount) / seconds : 0;
        String eta = rate > 0 ? duration((total - done) / rate) : "?";
        String stats = String.format(Locale.ROOT, "%d/%d %s  %.1f %s/s  ETA %s  %s", done, total, unit + "s", rate,
                unit, last ? "0s" : eta, note);
        if (terminal) {
            int width = 30;
            int filled = (int) Math.round(width * (double) done / total);
            out.print("\r" + what + " [" + "#".repeat(filled) + "-".repeat(width - filled) + "] " + stats + "  ");
            if (last) {
                out.println();
            }
        } else {
            out.println(what + ": " + stats);
        }
        out.flush();
    }

    /** Ends the bar's line early (e.g. after an interrupt). */
    public synchronized void end() {
        if (terminal) {
            out.println();
        }
    }

    /** Seconds as {@code 1h02m}, {@code 3m05s} or {@code 12s}. */
    public static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return s + "s";
    }
}
