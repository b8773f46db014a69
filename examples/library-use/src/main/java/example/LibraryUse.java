package example;

import io.github.gdln.core.Gdln;
import io.github.gdln.core.theory.TrajectoryComparison;

/**
 * A two-pathway race: pathway a is open in both contexts, pathway b only in the second, so a sees twice the data,
 * learns first and takes most of the task. Trained, predicted by the neural race reduction and compared; exits
 * with status 1 unless the loss fell and the prediction matched, so a build that runs it also checks it.
 */
public final class LibraryUse {
    public static void main(String[] args) {
        double[][] x = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        double[][] y = {{2, 0, 0}, {0, 1, 0}, {0, 0, 0.5}};
        Gdln.Result race = Gdln.network()
                .input("x", 3).hidden("a", 3).hidden("b", 3).output("y", 3)
                .path("x", "a", "y").path("x", "b", "y")
                .data(x, y).context("a only", "b").context("both")
                .alignedStart(0.05).fullBatch(300, 0.1).track("a->y", "b->y")
                .train();
        var last = race.trajectory().last();
        TrajectoryComparison c = race.comparison().orElseThrow(() ->
                new IllegalStateException("no prediction: " + race.assessment()));
        System.out.printf("loss %.4f -> %.2e after %d epochs; a->y %s, b->y %s%n", race.trajectory().points()
                .get(0).loss(), last.loss(), (int) last.epoch(), java.util.Arrays.toString(last.singularValues()
                .get("a->y")), java.util.Arrays.toString(last.singularValues().get("b->y")));
        System.out.printf("theory vs simulation: max |loss difference| %.2e over %d epochs%n", c.lossMaxAbs(),
                c.points());
        if (!(last.loss() < 0.01 * race.trajectory().points().get(0).loss() && c.lossMaxAbs() < 1e-6)) {
            System.err.println("the loss did not fall or the theory missed: the library is broken");
            System.exit(1);
        }
    }
}
