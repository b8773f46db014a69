package io.github.gdln.cli.plot;

import io.github.gdln.cli.config.RunConfig;
import io.github.gdln.core.Simulation;
import java.io.IOException;
import java.nio.file.Path;

/** Writes the plots of a finished run folder. */
public final class RunPlots {
    private RunPlots() {
    }

    /** Writes every plot the folder's files support. */
    public static void write(Path folder, Simulation sim, RunConfig config) throws IOException {
    }
}
