package io.github.gdln.cli.theory;

import io.github.gdln.cli.config.RunConfig;
import io.github.gdln.core.Simulation;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The theory's prediction for a run, used for the plot overlays, {@code theory.csv} and {@code gdln compare}.
 * An overlay covers some setups (the neural race reduction covers every setup whose assumptions it verifies)
 * and declines the others with a reason.
 */
public interface TheoryOverlay {
    /**
     * A prediction.
     *
     * @param name          what produced it, e.g. {@code neural race reduction (docs/theory.md §2.2)}
     * @param epochs        the time axis in epochs
     * @param loss          predicted training loss per epoch
     * @param trainedLoss   predicted mean loss per trained context (NaN where unknown)
     * @param untrainedLoss predicted mean loss per untrained context (NaN where unknown or none)
     * @param singularValues predicted singular values over time per tracked edge: edge -> [mode][time]
     * @param fixedPoints   predicted fixed points per tracked edge (edge -> value per mode)
     */
    record Prediction(String name, double[] epochs, double[] loss, double[] trainedLoss, double[] untrainedLoss,
                      Map<String, double[][]> singularValues, Map<String, double[]> fixedPoints) {
    }

    /**
     * The prediction for {@code config} (with {@code simulation} prepared, before training), or empty with no
     * overlay.
     */
    Optional<Prediction> predict(RunConfig config, Simulation simulation);

    /** Why this overlay does not cover {@code config}, or empty when it may (judged from the config alone). */
    Optional<String> declines(RunConfig config);

    /**
     * Why this overlay does not cover {@code config} with {@code simulation} prepared (e.g. which assumptions of a
     * reduction fail, with their measured values), or empty when {@link #predict} gives a prediction.
     */
    default Optional<String> declines(RunConfig config, Simulation simulation) {
        return declines(config);
    }

    /** The overlays available in this build, tried in order. */
    static TheoryOverlay available() {
        return new Chain(List.of(new RaceReduction()));
    }

    /** The first overlay that covers a config. */
    record Chain(List<TheoryOverlay> overlays) implements TheoryOverlay {
        @Override
        public Optional<Prediction> predict(RunConfig config, Simulation simulation) {
            for (TheoryOverlay o : overlays) {
                if (o.declines(config, simulation).isEmpty()) {
                    return o.predict(config, simulation);
                }
            }
            return Optional.empty();
        }

        @Override
        public Optional<String> declines(RunConfig config) {
            return declines(config, null);
        }

        @Override
        public Optional<String> declines(RunConfig config, Simulation simulation) {
            StringBuilder why = new StringBuilder();
            for (TheoryOverlay o : overlays) {
                Optional<String> d = simulation == null ? o.declines(config) : o.declines(config, simulation);
                if (d.isEmpty()) {
                    return d;
                }
                why.append(why.length() == 0 ? "" : "; ").append(d.get());
            }
            return Optional.of(why.length() == 0 ? "no theory available" : why.toString());
        }
    }
}
