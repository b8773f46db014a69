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
     * What an overlay says about a run: a prediction, or why there is none.
     *
     * @param prediction the prediction, when the overlay covers the setup
     * @param declined   why it does not (e.g. which assumptions fail, with their measured values), when it does not
     */
    record Outcome(Optional<Prediction> prediction, Optional<String> declined) {
        /** No prediction, for the given reason. */
        public static Outcome declined(String why) {
            return new Outcome(Optional.empty(), Optional.of(why));
        }

        /** A prediction. */
        public static Outcome predicted(Prediction p) {
            return new Outcome(Optional.of(p), Optional.empty());
        }
    }

    /** Why this overlay does not cover {@code config}, or empty when it may (judged from the config alone). */
    Optional<String> declines(RunConfig config);

    /**
     * The prediction for {@code config} with {@code simulation} prepared (before training), or why there is none,
     * from one analysis. Keeps no state between calls: sweep workers share one overlay.
     */
    Outcome assess(RunConfig config, Simulation simulation);

    /** The overlays available in this build, tried in order. */
    static TheoryOverlay available() {
        return new Chain(List.of(new RaceReduction()));
    }

    /** The first overlay that covers a config. */
    record Chain(List<TheoryOverlay> overlays) implements TheoryOverlay {
        @Override
        public Optional<String> declines(RunConfig config) {
            List<String> why = new java.util.ArrayList<>();
            for (TheoryOverlay o : overlays) {
                Optional<String> d = o.declines(config);
                if (d.isEmpty()) {
                    return d;
                }
                why.add(d.get());
            }
            return Optional.of(why.isEmpty() ? "no theory available" : String.join("; ", why));
        }

        @Override
        public Outcome assess(RunConfig config, Simulation simulation) {
            List<String> why = new java.util.ArrayList<>();
            for (TheoryOverlay o : overlays) {
                Outcome out = o.assess(config, simulation);
                if (out.prediction().isPresent()) {
                    return out;
                }
                why.add(out.declined().orElse("declined"));
            }
            return Outcome.declined(why.isEmpty() ? "no theory available" : String.join("; ", why));
        }
    }
}
