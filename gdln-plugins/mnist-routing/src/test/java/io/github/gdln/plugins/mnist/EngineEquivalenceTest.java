package io.github.gdln.plugins.mnist;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gdln.api.Params;
import io.github.gdln.core.InitSpec;
import io.github.gdln.core.Registry;
import io.github.gdln.core.Simulation;
import io.github.gdln.core.train.EngineChoice;
import io.github.gdln.core.train.EngineRun;
import io.github.gdln.core.train.EngineSetup;
import io.github.gdln.core.train.GenericEngine;
import io.github.gdln.core.train.TrainerSettings;
import io.github.gdln.core.train.TrainingEngine;
import io.github.gdln.core.train.Trajectory;
import io.github.gdln.datasets.testing.IdxFixtures;
import io.github.gdln.kpath.KPathEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Same model, proven: the generic engine and the kpath engine train the k-path routing network (M = 3, H = 8, with
 * and without edge biases, permuted and rotated domains) from the same parameters on the same batches, in float64,
 * 300 SGD steps with momentum, and agree on every measurement and on the final weights to 1e-9 relative. The two
 * engines sum in different orders (fused gemms over all domains vs per-unit gemms; folded permutations), so the
 * difference is rounding: measured 2e-16 to 8e-16 relative after 300 steps (loss 2.83 -> 0.04); 1e-9 leaves room for
 * its growth on other BLAS builds and still catches any difference in the model (dropping the biases changes the
 * final loss by 2 %, another batch order or init far more).
 */
class EngineEquivalenceTest {
    static final double TOLERANCE = 1e-9;

    @TempDir
    Path data;

    Simulation simulation(String transform, boolean bias) {
        return Simulation.prepare(Registry.builtIn(getClass().getClassLoader()), new Simulation.Setup(
                "routing", Map.of("hidden-width", 8, "hidden-layers", 2, "bias", bias),
                "mnist-routing", Map.of("data-dir", data.toString(), "domains", 3, "train-samples", 40,
                        "test-samples", 10, "input-transform", transform),
                "routing", Map.of("mode", "K_plus_mod", "K", 2),
                new InitSpec("xavier", 1.0), DataType.DOUBLE, 5L));
    }

    @ParameterizedTest
    @CsvSource({"permute, true", "permute, false", "rotate, true"})
    void genericAndKPathEnginesGiveTheSameTrajectory(String transform, boolean bias) throws Exception {
        IdxFixtures.writeMnist(data.resolve("mnist"), 40, 3);
        TrainerSettings sgd = new TrainerSettings(TrainerSettings.Method.SGD, 60, 0.01, 0.9, 8, 10, 1e-8,
                List.of("enc0", "shared1"), 2); // 40 samples / batch 8 = 5 steps per epoch: 300 steps
        Params options = Params.empty("trainer");
        Simulation genericSim = simulation(transform, bias);
        Simulation kpathSim = simulation(transform, bias);
        EngineSetup genericSetup = new EngineSetup(genericSim, sgd, options);
        EngineSetup kpathSetup = new EngineSetup(kpathSim, sgd, options);
        List<TrainingEngine> engines = List.of(new GenericEngine(), new KPathEngine());
        assertThat(EngineChoice.choose(engines, EngineChoice.AUTO, kpathSetup).engine().name()).isEqualTo("kpath");
        EngineRun generic = new GenericEngine().start(genericSetup);
        EngineRun kpath = new KPathEngine().start(kpathSetup);
        compare(generic.measure(), kpath.measure());
        double firstLoss = generic.measure().loss();
        for (int epoch = 1; epoch <= sgd.epochs(); epoch++) {
            generic.trainEpoch();
            kpath.trainEpoch();
            if (epoch % sgd.measureEvery() == 0) {
                compare(generic.measure(), kpath.measure());
            }
        }
        assertThat(generic.measure().loss()).as("training moved the loss").isLessThan(0.9 * firstLoss);
        kpath.copyToNetwork();
        double[] g = genericSim.network().parameters().toDoubleVector();
        double[] k = kpathSim.network().parameters().toDoubleVector();
        assertThat(relative(g, k)).as("final parameters").isLessThan(TOLERANCE);
        if (bias) {
            assertThat(genericSim.network().bias(0).norm2Number().doubleValue()).as("biases trained").isPositive();
        }
    }

    private static void compare(Trajectory.Point a, Trajectory.Point b) {
        assertThat(b.epoch()).isEqualTo(a.epoch());
        assertThat(rel(a.loss(), b.loss())).as("loss at epoch %s", a.epoch()).isLessThan(TOLERANCE);
        assertThat(rel(a.trainedLoss(), b.trainedLoss())).isLessThan(TOLERANCE);
        assertThat(rel(a.untrainedLoss().getAsDouble(), b.untrainedLoss().getAsDouble())).isLessThan(TOLERANCE);
        assertThat(b.trainedAccuracy().getAsDouble()).isEqualTo(a.trainedAccuracy().getAsDouble());
        assertThat(relative(a.contextLoss(), b.contextLoss())).as("per-context losses").isLessThan(TOLERANCE);
        for (String edge : a.singularValues().keySet()) {
            assertThat(relative(a.singularValues().get(edge), b.singularValues().get(edge)))
                    .as("singular values of %s", edge).isLessThan(TOLERANCE);
        }
    }

    private static double rel(double a, double b) {
        return Math.abs(a - b) / Math.max(Math.abs(a), 1e-300);
    }

    /** ||a - b|| / ||a||. */
    private static double relative(double[] a, double[] b) {
        assertThat(b).hasSameSizeAs(a);
        double d = 0;
        double n = 0;
        for (int i = 0; i < a.length; i++) {
            d += (a[i] - b[i]) * (a[i] - b[i]);
            n += a[i] * a[i];
        }
        return Math.sqrt(d / Math.max(n, 1e-300));
    }
}
