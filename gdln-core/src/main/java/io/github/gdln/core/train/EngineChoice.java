package io.github.gdln.core.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which engine trains a setup: the one named, or for {@code auto} the fastest ({@link TrainingEngine#speedRank()})
 * of those that can train it exactly. Since every engine trains the same network, the choice changes the speed only.
 *
 * @param engine the chosen engine
 * @param reason why it was chosen, with the reasons of every faster engine that declined (for the run log)
 */
public record EngineChoice(TrainingEngine engine, String reason) {
    /** The name that lets gdln choose. */
    public static final String AUTO = "auto";

    /**
     * Chooses among {@code engines} for {@code setup}.
     *
     * @param requested an engine name or {@link #AUTO}
     * @throws IllegalArgumentException naming the engine and every reason when the requested engine cannot train the
     *                                  setup, or listing the engines when the name is unknown
     */
    public static EngineChoice choose(List<? extends TrainingEngine> engines, String requested, EngineSetup setup) {
        if (!requested.equals(AUTO)) {
            TrainingEngine e = engines.stream().filter(x -> x.name().equals(requested)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("unknown engine '" + requested + "'; available: auto, "
                            + String.join(", ", engines.stream().map(TrainingEngine::name).toList())));
            List<String> why = e.cannotTrain(setup);
            if (!why.isEmpty()) {
                throw new IllegalArgumentException("trainer.engine = " + requested + " cannot train this setup: "
                        + String.join("; ", why));
            }
            return new EngineChoice(e, "trainer.engine = " + requested);
        }
        List<TrainingEngine> byRank = new ArrayList<>(engines);
        byRank.sort(Comparator.comparingInt(TrainingEngine::speedRank).reversed()
                .thenComparing(TrainingEngine::name));
        List<String> declined = new ArrayList<>();
        for (TrainingEngine e : byRank) {
            List<String> why = e.cannotTrain(setup);
            if (why.isEmpty()) {
                return new EngineChoice(e, "auto" + (declined.isEmpty() ? "" : "; " + String.join("; ", declined)));
            }
            declined.add(e.name() + " declined: " + String.join(", ", why));
        }
        throw new IllegalArgumentException("no engine can train this setup: " + String.join("; ", declined));
    }
}
