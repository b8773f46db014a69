package io.github.gdln.plugins.mnist;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gdln.datasets.testing.IdxFixtures;
import io.github.gdln.core.InitSpec;
import io.github.gdln.core.Registry;
import io.github.gdln.core.Simulation;
import io.github.gdln.core.train.TrainerSettings;
import io.github.gdln.core.train.Trajectory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/** The task through the generic engine: the registry finds it, the routing architecture and gating compose with it. */
class GenericEngineTest {

    @TempDir
    Path data;

    @Test
    void trainsWithTheGenericEngine() throws Exception {
        IdxFixtures.writeMnist(data.resolve("mnist"), 24, 3);
        Registry registry = Registry.builtIn(GenericEngineTest.class.getClassLoader());
        assertThat(registry.names(Registry.Kind.TASK)).contains("mnist-routing");
        Simulation sim = Simulation.prepare(registry, new Simulation.Setup("routing",
                Map.of("hidden-width", 8, "hidden-layers", 2), "mnist-routing",
                Map.of("data-dir", data.toString(), "domains", 3, "train-samples", 16), "routing",
                Map.of("mode", "K_plus_mod", "K", 2, "permute", true), new InitSpec("xavier", 1.0), DataType.DOUBLE,
                1));
        TrainerSettings s = new TrainerSettings(TrainerSettings.Method.SGD, 3, 0.05, 0.9, 8, 1, 1e-8, List.of(), 0);
        Trajectory t = sim.train(s, p -> { });
        Trajectory.Point first = t.points().get(0);
        Trajectory.Point last = t.last();
        assertThat(last.trainedLoss()).isLessThan(first.trainedLoss());
        assertThat(last.trainedAccuracy()).isPresent();
        assertThat(last.untrainedAccuracy()).isPresent();
    }
}
