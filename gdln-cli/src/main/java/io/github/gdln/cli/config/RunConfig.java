package io.github.gdln.cli.config;

import com.typesafe.config.Config;
import io.github.gdln.core.InitSpec;
import io.github.gdln.core.train.TrainerSettings;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * One run's validated configuration, bound from a composed HOCON config by {@link Binder}.
 *
 * @param experiment  the experiment's name and description, and what to produce beside the simulation
 * @param task        the task and its parameters
 * @param gating      the gating scheme and its parameters
 * @param model       the architecture and its parameters
 * @param trainer     how to train
 * @param control     checkpointing and the test-only stop
 * @param engine      which engine trains the network ({@code trainer.engine}) and its k-path settings
 * @param init        the initialisation
 * @param seed        the root seed
 * @param precision   FLOAT or DOUBLE
 * @param resolved    the resolved configuration it was bound from (written to {@code config.conf})
 */
public record RunConfig(Experiment experiment, Component task, Component gating, Component model,
                        TrainerSettings trainer, Control control, Engine engine, InitSpec init, long seed, DataType precision,
                        Config resolved) {
    public RunConfig {
        Objects.requireNonNull(experiment);
        Objects.requireNonNull(task);
        Objects.requireNonNull(gating);
        Objects.requireNonNull(model);
        Objects.requireNonNull(trainer);
        Objects.requireNonNull(control);
        Objects.requireNonNull(engine);
        Objects.requireNonNull(init);
        Objects.requireNonNull(resolved);
        if (precision != DataType.FLOAT && precision != DataType.DOUBLE) {
            throw new IllegalArgumentException("precision must be FLOAT or DOUBLE, was " + precision);
        }
    }

    /**
     * The experiment group.
     *
     * @param name        the experiment's name (the run folder's parent)
     * @param description one line
     * @param theory      overlay the theory's prediction when one is available for this setup
     * @param grids       write the representation-similarity and output grids (routing tasks)
     */
    public record Experiment(String name, String description, boolean theory, boolean grids) {
        public Experiment {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("experiment name must not be blank");
            }
        }
    }

    /**
     * A selected component.
     *
     * @param group  {@code task}, {@code gating} or {@code model}
     * @param name   the component's registered name
     * @param params its parameters (the group without {@code name}), JDK values
     */
    public record Component(String group, String name, Map<String, Object> params) {
        public Component {
            params = Map.copyOf(params);
        }
    }

    /**
     * Run control.
     *
     * @param checkpointEvery epochs between checkpoints (0: only on interrupt)
     * @param stopAfterEpoch  test hook: behave as if interrupted after this epoch (0: never)
     */
    public record Control(int checkpointEvery, int stopAfterEpoch) {
        public Control {
            if (checkpointEvery < 0 || stopAfterEpoch < 0) {
                throw new IllegalArgumentException("checkpoint-every and stop-after-epoch must be >= 0");
            }
        }
    }

    /**
     * The trainer engine.
     *
     * @param name             {@code auto} or the name of a registered engine ({@code generic}, {@code kpath}, ...)
     * @param evalTrainSamples training samples measured per epoch by engines that can limit it (the first n), 0 = all
     * @param evalTestSamples  test samples measured per epoch (the first n), 0 = all
     * @param encoderWindow    kpath: steps per deferred encoder update, 1 = plain step, 0 = auto
     *                         ({@code io.github.gdln.kpath.KPathRun#encoderWindow()})
     */
    public record Engine(String name, int evalTrainSamples, int evalTestSamples, int encoderWindow) {
        public Engine {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("trainer.engine must name an engine or auto");
            }
            if (evalTrainSamples < 0 || evalTestSamples < 0) {
                throw new IllegalArgumentException("eval-train-samples and eval-test-samples must be >= 0");
            }
            if (encoderWindow < 0) {
                throw new IllegalArgumentException("encoder-window must be auto (0) or >= 1, was " + encoderWindow);
            }
        }
    }
}
