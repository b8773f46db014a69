package io.github.gdln.core.theory;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gdln.core.InitSpec;
import io.github.gdln.core.Simulation;
import io.github.gdln.core.tasks.RoutingToyTask;
import io.github.gdln.core.train.TrainerSettings;
import io.github.gdln.core.train.TrainerSettings.Gradient;
import io.github.gdln.core.train.Trajectory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Systematic generalisation (docs/theory.md §3.3) and rich vs lazy learning (docs/theory.md §3.4) on the routing toy,
 * trained in statistics mode (the same trajectory as sample backprop, much faster). Error metric of the paper's figures
 * (docs/theory.md §3.3): err = ½ ||Y − Ŷ||²_F per pathway = 14 × the engine's per-pathway loss ((1/28) ||Y − Ŷ||²_F for the
 * 4 x 7 toy).
 */
class GeneralizationTest {
    static final double ERR_PER_LOSS = 0.5 * 4 * 7;

    static Trajectory.Point train(int m, Map<String, ?> gating, double sigma, double lr, int epochs, long seed,
                                  Simulation[] out) {
        Simulation sim = TheoryFixtures.routing(m, gating, new InitSpec("orthogonal", sigma), seed);
        if (out != null) {
            out[0] = sim;
        }
        TrainerSettings s = new TrainerSettings(TrainerSettings.Method.FULL_BATCH, epochs, lr, 0, 1, epochs, 1e-8,
                java.util.List.of(), 0, Gradient.STATISTICS);
        return sim.train(s, p -> { }).last();
    }

    /**
     * M = 10, K_plus_mod, σ0 = 0.2, lr 0.02, 1500 epochs (the recipe of docs/theory.md §3.3), one seed, measured only
     * at the end. Tolerances: untrained error above 150 at K = 1 (reference about 215, 209-225 over seeds; measured
     * 223) and below 2 at K = 4 (reference 0.05; measured 0.01); trained error below 0.5 for both (reference about 0;
     * measured 5e-10 and 5e-4).
     */
    @Test
    void untrainedErrorFallsWithTheShareOfTrainedPairs() {
        Trajectory.Point k1 = train(10, Map.of("mode", "K_plus_mod", "K", 1), 0.2, 0.02, 1500, 1, null);
        Trajectory.Point k4 = train(10, Map.of("mode", "K_plus_mod", "K", 4), 0.2, 0.02, 1500, 1, null);
        double u1 = ERR_PER_LOSS * k1.untrainedLoss().orElseThrow();
        double u4 = ERR_PER_LOSS * k4.untrainedLoss().orElseThrow();
        System.out.println("K/M 0.1: untrained " + u1 + " trained " + ERR_PER_LOSS * k1.trainedLoss()
                + "; K/M 0.4: untrained " + u4 + " trained " + ERR_PER_LOSS * k4.trainedLoss());
        assertThat(u1).isGreaterThan(150);
        assertThat(u4).isLessThan(2);
        assertThat(ERR_PER_LOSS * k1.trainedLoss()).isLessThan(0.5);
        assertThat(ERR_PER_LOSS * k4.trainedLoss()).isLessThan(0.5);
    }

    /**
     * docs/theory.md §3.4, coarse: σ0 = 0.2 vs 2.5 with lr = 0.006/σ0^(1/3), 700 epochs (M = 7, K = 4). Tolerances:
     * untrained error below 5 (rich; reference 0.13-2, measured 2.5) vs above 50 (lazy; reference 92-129, measured 90);
     * trained error below 5 for both, i.e. under 4% of the initial 122 per pathway (rich: at lr 0.0103 the last stage,
     * s = 3, crosses near 328 × 0.02/0.0103 ≈ 640 epochs and is still finishing at 700, measured 2.4; lazy: still
     * converging, measured about 2.4 too); the hidden code's cross- vs within-domain block correlation above 0.95
     * (rich, reference 1.00, measured 0.999) and below 0.8 (lazy, reference 0.44 at σ0 = 2, measured 0.16).
     */
    @Test
    void largeInitialisationLosesTheSharedRepresentation() {
        Simulation[] rich = new Simulation[1];
        Simulation[] lazy = new Simulation[1];
        Trajectory.Point r = train(7, Map.of(), 0.2, 0.006 / Math.cbrt(0.2), 700, 2, rich);
        Trajectory.Point l = train(7, Map.of(), 2.5, 0.006 / Math.cbrt(2.5), 700, 2, lazy);
        double ur = ERR_PER_LOSS * r.untrainedLoss().orElseThrow();
        double ul = ERR_PER_LOSS * l.untrainedLoss().orElseThrow();
        double cr = RepresentationSimilarity.crossWithinCorrelation(rsa(rich[0]));
        double cl = RepresentationSimilarity.crossWithinCorrelation(rsa(lazy[0]));
        System.out.println("sigma0 0.2: untrained " + ur + ", rsa " + cr + "; sigma0 2.5: untrained " + ul + ", rsa "
                + cl);
        assertThat(ur).isLessThan(5);
        assertThat(ul).isGreaterThan(50);
        assertThat(ERR_PER_LOSS * r.trainedLoss()).isLessThan(5); // rich: the last stage finishes near epoch 700
        assertThat(ERR_PER_LOSS * l.trainedLoss()).isLessThan(5); // lazy: still converging after 700 epochs
        assertThat(cr).isGreaterThan(0.95);
        assertThat(cl).isLessThan(0.8);
    }

    static double[][][][] rsa(Simulation sim) {
        int m = sim.graph().inputs().length;
        double[][][] enc = new double[m][][];
        for (int i = 0; i < m; i++) {
            enc[i] = sim.network().weightMatrix(sim.graph().edgeIndex("enc" + i));
        }
        double[][] items = new double[RoutingToyTask.TARGETS.length][RoutingToyTask.TARGETS.length];
        for (int i = 0; i < items.length; i++) {
            items[i][i] = 1;
        }
        return RepresentationSimilarity.blocks(enc, items);
    }
}
