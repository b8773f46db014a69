package io.github.gdln.core.train;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A way to train a prepared setup (the plug point for engines). every engine trains the same network, the gated network
 * the setup describes, from the same starting parameters (those of the setup's network), with the same batch order
 * ({@link io.github.gdln.core.util.Shuffle#epochOrder}); engines differ only in speed. An engine that cannot train a
 * setup exactly says why, with every reason, judged from what the setup is (graph structure, gates, loss, trainer,
 * data), never from component names.
 *
 * <p>Engines are found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.github.gdln.core.train.TrainingEngine}) on the class path and in plugin jars;
 * {@code trainer.engine = auto} picks, among those that can train the setup,
 * the one with the highest {@link #speedRank()} ({@link EngineChoice}). Built in: {@code generic}
 * ({@link GenericEngine}, rank 0, trains everything) and, in gdln-kpath, {@code kpath}.
 */
public interface TrainingEngine {
    /** The engine's name ({@code trainer.engine = <name>}). */
    String name();

    /** One line for {@code gdln list engines}. */
    String description();

    /** Every reason why this engine cannot train {@code setup} exactly; empty when it can. */
    List<String> cannotTrain(EngineSetup setup);

    /**
     * The reasons of {@link #cannotTrain} that the trainer settings and the precision alone decide, known before any
     * data is loaded (configuration checks of tasks that cannot preview their data); every one of them must also be
     * among {@link #cannotTrain}'s for a setup with these settings. Default: none.
     */
    default List<String> cannotTrainWith(TrainerSettings trainer, DataType dataType) {
        return List.of();
    }

    /** Preference of {@code auto} among the engines that can train a setup: higher is faster; generic is 0. */
    int speedRank();

    /**
     * Starts training {@code setup} at epoch 0 from the parameters of its network (call only when
     * {@link #cannotTrain} is empty).
     */
    EngineRun start(EngineSetup setup);
}
