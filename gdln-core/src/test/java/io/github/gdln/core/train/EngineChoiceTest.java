package io.github.gdln.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** The part of the engine choice that needs no data ({@link EngineChoice#checkSettings}). */
class EngineChoiceTest {
    /** An engine that declines every full-batch trainer and every float32 setup. */
    private static final TrainingEngine PICKY = new TrainingEngine() {
        @Override
        public String name() {
            return "picky";
        }

        @Override
        public String description() {
            return "declines full-batch and float32";
        }

        @Override
        public List<String> cannotTrain(EngineSetup setup) {
            throw new AssertionError("needs no setup");
        }

        @Override
        public List<String> cannotTrainWith(TrainerSettings trainer, DataType dataType) {
            return java.util.stream.Stream.of(trainer.method() == TrainerSettings.Method.FULL_BATCH ? "full-batch"
                    : null, dataType == DataType.FLOAT ? "float32" : null).filter(s -> s != null).toList();
        }

        @Override
        public int speedRank() {
            return 5;
        }

        @Override
        public EngineRun start(EngineSetup setup) {
            throw new AssertionError();
        }
    };

    @Test
    void theRequestedEngineDeclinesWithEveryReason() {
        List<TrainingEngine> engines = List.of(new GenericEngine(), PICKY);
        TrainerSettings fullBatch = TrainerSettings.fullBatch(10, 0.1);
        assertThatThrownBy(() -> EngineChoice.checkSettings(engines, "picky", fullBatch, DataType.FLOAT))
                .isInstanceOfSatisfying(EngineChoice.Declined.class, d -> {
                    assertThat(d.requested()).isEqualTo("picky");
                    assertThat(d.reasons()).containsExactly("full-batch", "float32");
                    assertThat(d.getMessage()).isEqualTo(
                            "trainer.engine = picky cannot train this setup: full-batch; float32");
                });
        EngineChoice.checkSettings(engines, "generic", fullBatch, DataType.FLOAT);
        // auto always passes here: the generic engine trains everything
        EngineChoice.checkSettings(engines, EngineChoice.AUTO, fullBatch, DataType.FLOAT);
        assertThatThrownBy(() -> EngineChoice.checkSettings(engines, "fast", fullBatch, DataType.DOUBLE))
                .isNotInstanceOf(EngineChoice.Declined.class)
                .hasMessage("unknown engine 'fast'; available: auto, generic, picky");
    }
}
