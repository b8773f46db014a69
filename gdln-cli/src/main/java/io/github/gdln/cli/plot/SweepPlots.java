package io.github.gdln.cli.plot;

import io.github.gdln.cli.commands.SweepTable;
import java.io.IOException;
import java.nio.file.Path;

/** Plots of a sweep folder. */
public final class SweepPlots {
    private SweepPlots() {
    }

    /** Writes the sweep's summary plots. */
    public static void write(Path root, SweepTable table) throws IOException {
    }
}
