package io.github.gdln.cli.run;

import io.github.gdln.cli.theory.TheoryOverlay;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code theory.csv}: the theory's prediction for a run, one row per predicted epoch: {@code epoch, loss,
 * trained_loss, untrained_loss} and {@code sv.<edge>.<k>}; the predicted fixed points of the singular values go to
 * {@code theory-fixed-points.csv} ({@code edge, mode, fixed_point}).
 */
public final class TheoryCsv {
    private TheoryCsv() {
    }

    /** Writes the prediction (and its fixed points beside it). */
    public static void write(Path file, TheoryOverlay.Prediction p) throws IOException {
        StringBuilder sb = new StringBuilder("epoch,loss,trained_loss,untrained_loss");
        for (Map.Entry<String, double[][]> e : p.singularValues().entrySet()) {
            for (int k = 1; k <= e.getValue().length; k++) {
                sb.append(",sv.").append(e.getKey()).append('.').append(k);
            }
        }
        sb.append('\n');
        for (int i = 0; i < p.epochs().length; i++) {
            sb.append(MetricsCsv.num(p.epochs()[i])).append(',').append(cell(p.loss()[i])).append(',')
                    .append(cell(p.trainedLoss()[i])).append(',').append(cell(p.untrainedLoss()[i]));
            for (double[][] modes : p.singularValues().values()) {
                for (double[] mode : modes) {
                    sb.append(',').append(cell(mode[i]));
                }
            }
            sb.append('\n');
        }
        AtomicFiles.writeAtomically(file, sb.toString());
        StringBuilder fp = new StringBuilder("edge,mode,fixed_point\n");
        for (Map.Entry<String, double[]> e : p.fixedPoints().entrySet()) {
            for (int k = 0; k < e.getValue().length; k++) {
                fp.append(e.getKey()).append(',').append(k + 1).append(',').append(cell(e.getValue()[k])).append('\n');
            }
        }
        AtomicFiles.writeAtomically(file.resolveSibling("theory-fixed-points.csv"), fp.toString());
    }

    private static String cell(double d) {
        return Double.isNaN(d) ? "" : MetricsCsv.num(d);
    }
}
