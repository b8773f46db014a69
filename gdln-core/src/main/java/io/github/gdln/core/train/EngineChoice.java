package io.github.gdln.core.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

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
     * @throws Declined                naming the engine and every reason when the requested engine cannot train the
     *                                  setup, or every engine's reasons when {@code auto} finds none
     * @throws IllegalArgumentException listing the engines when the name is unknown
     */
    public static EngineChoice choose(List<? extends TrainingEngine> engines, String requested, EngineSetup setup) {
        if (!requested.equals(AUTO)) {
            TrainingEngine e = named(engines, requested);
            List<String> why = e.cannotTrain(setup);
            if (!why.isEmpty()) {
                throw new Declined(requested, why);
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
        throw new Declined(AUTO, declined);
    }

    /**
     * The part of {@link #choose} that needs no data: whether the requested engine can train with these trainer
     * settings and this precision ({@link TrainingEngine#cannotTrainWith}), for a setup whose task cannot be
     * previewed before its data is loaded. {@code auto} always passes here (the generic engine trains everything).
     *
     * @throws Declined                naming the engine and every reason it declines these settings
     * @throws IllegalArgumentException listing the engines when the name is unknown
     */
    public static void checkSettings(List<? extends TrainingEngine> engines, String requested,
                                     TrainerSettings trainer, DataType dataType) {
        if (requested.equals(AUTO)) {
            return;
        }
        List<String> why = named(engines, requested).cannotTrainWith(trainer, dataType);
        if (!why.isEmpty()) {
            throw new Declined(requested, why);
        }
    }

    private static TrainingEngine named(List<? extends TrainingEngine> engines, String requested) {
        return engines.stream().filter(x -> x.name().equals(requested)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown engine '" + requested + "'; available: auto, "
                        + String.join(", ", engines.stream().map(TrainingEngine::name).toList())));
    }

    /** The requested engine (or, for {@code auto}, every engine) cannot train the setup; with every reason. */
    public static final class Declined extends IllegalArgumentException {
        private final String requested;
        private final List<String> reasons;

        Declined(String requested, List<String> reasons) {
            super(requested.equals(AUTO) ? "no engine can train this setup: " + String.join("; ", reasons)
                    : "trainer.engine = " + requested + " cannot train this setup: " + String.join("; ", reasons));
            this.requested = requested;
            this.reasons = List.copyOf(reasons);
        }

        /** The engine name asked for, or {@code auto}. */
        public String requested() {
            return requested;
        }

        /** Every reason (for {@code auto}: each engine's, prefixed with its name). */
        public List<String> reasons() {
            return reasons;
        }
    }
}
