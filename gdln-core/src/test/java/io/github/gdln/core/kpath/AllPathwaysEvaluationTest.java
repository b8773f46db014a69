package io.github.gdln.core.kpath;

import static io.github.gdln.core.kpath.KPathModelTest.kPlusMod;
import static io.github.gdln.core.kpath.KPathModelTest.labelMaps;
import static io.github.gdln.core.kpath.KPathModelTest.randomImages;
import static io.github.gdln.core.kpath.KPathModelTest.randomLabels;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.gdln.core.util.SoftmaxCrossEntropy;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link KPathModel#evaluate} / {@code evaluatePerDomain} against logits computed layer by layer in plain Java. */
class AllPathwaysEvaluationTest {
    private static final int M = 4;
    private static final int D = 10;
    private static final int H = 6;
    private static final int C = 5;

    /** Pathway (i, j)'s logits of image x (as seen by domain i), layer by layer: F_j (W (E_i x + b_i) + c) + d_j. */
    private static double[] logits(KPathModel model, int i, int j, double[] x) {
        double[][] e = model.encoder(i).toDoubleMatrix();
        double[] b = model.encoderBiases().toDoubleVector();
        double[][] w = model.hiddenWeights().toDoubleMatrix();
        double[] cb = model.hiddenBias().toDoubleVector();
        double[][] f = model.decoders().toDoubleMatrix();
        double[] d = model.decoderBiases().toDoubleVector();
        double[] z = new double[H];
        for (int a = 0; a < H; a++) {
            z[a] = b[i * H + a];
            for (int k = 0; k < D; k++) {
                z[a] += e[a][k] * x[k];
            }
        }
        double[] u = new double[H];
        for (int a = 0; a < H; a++) {
            u[a] = cb[a];
            for (int k = 0; k < H; k++) {
                u[a] += w[a][k] * z[k];
            }
        }
        double[] y = new double[C];
        for (int q = 0; q < C; q++) {
            y[q] = d[j * C + q];
            for (int a = 0; a < H; a++) {
                y[q] += f[j * C + q][a] * u[a];
            }
        }
        return y;
    }

    /**
     * Every pathway's mean loss (1e-12) and correct count (exact) match the layer-by-layer logits, folded and per
     * domain, on a trained model with non-zero biases, for image counts that split unevenly into the two halves.
     */
    @Test
    void lossAndAccuracyOfEveryPathwayMatchTheLayerByLayerModel() {
        for (boolean perDomain : new boolean[] {false, true}) {
            for (int n : new int[] {1, 7}) {
                int[][] maps = labelMaps(M, C, 3);
                KPathModel model = new KPathModel(new KPathConfig(M, D, H, C, 3, DataType.DOUBLE, 2.0, 0.2, 0.9, 4L),
                        kPlusMod(M, 2, 1), maps);
                Random rnd = new Random(8);
                for (int step = 0; step < 5; step++) { // non-zero biases
                    model.train(Nd4j.createFromArray(randomImages(3, D, rnd)), randomLabels(3, C, rnd));
                }
                double[][] xs = randomImages(perDomain ? M * n : n, D, rnd);
                int[] labels = randomLabels(n, C, rnd);
                INDArray x = Nd4j.createFromArray(xs);
                PairStats st = perDomain ? model.evaluatePerDomain(x, labels) : model.evaluate(x, labels);
                assertThat(st.samples()).isEqualTo(n);
                for (int i = 0; i < M; i++) {
                    for (int j = 0; j < M; j++) {
                        double loss = 0;
                        long hits = 0;
                        for (int s = 0; s < n; s++) {
                            double[] y = logits(model, i, j, xs[perDomain ? i * n + s : s]);
                            int t = maps[j][labels[s]];
                            int arg = SoftmaxCrossEntropy.argMax(y, 0, C);
                            loss += SoftmaxCrossEntropy.loss(y, 0, C, t);
                            hits += arg == t ? 1 : 0;
                        }
                        String what = (perDomain ? "per-domain" : "folded") + " n " + n + " pathway " + i + "," + j;
                        assertThat(st.lossSum(i, j)).as(what).isCloseTo(loss, Offset.offset(1e-12 * n));
                        assertThat(st.correct(i, j)).as(what).isEqualTo(hits);
                    }
                }
            }
        }
    }

    /** The evaluation's two halves run on one or two threads with the same numbers, bit for bit. */
    @Test
    void threadCountDoesNotChangeTheEvaluation() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            KPathConfig cfg = new KPathConfig(M, D, H, C, 3, type, 1.0, 0.1, 0.9, 4L);
            KPathModel one = new KPathModel(cfg, kPlusMod(M, 2, 1), labelMaps(M, C, 3), 1);
            KPathModel two = new KPathModel(cfg, kPlusMod(M, 2, 1), labelMaps(M, C, 3), 2);
            Random rnd = new Random(2);
            INDArray x = Nd4j.createFromArray(randomImages(101, D, rnd)).castTo(type);
            int[] labels = randomLabels(101, C, rnd);
            PairStats a = one.evaluate(x, labels);
            PairStats b = two.evaluate(x, labels);
            for (int i = 0; i < M; i++) {
                for (int j = 0; j < M; j++) {
                    assertThat(b.lossSum(i, j)).isEqualTo(a.lossSum(i, j));
                    assertThat(b.correct(i, j)).isEqualTo(a.correct(i, j));
                }
            }
        }
    }
}
