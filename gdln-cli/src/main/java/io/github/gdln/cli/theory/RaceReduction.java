package io.github.gdln.cli.theory;

import io.github.gdln.api.LossKind;
import io.github.gdln.cli.config.RunConfig;
import io.github.gdln.core.Simulation;
import io.github.gdln.core.theory.NeuralRaceReduction;
import io.github.gdln.core.theory.RandomStartProjection;
import io.github.gdln.core.theory.ReducedSystem;
import io.github.gdln.core.theory.ReductionCheck;
import io.github.gdln.core.train.TrainerSettings;
import io.github.gdln.core.train.Trajectory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The automatic neural race reduction of gdln-core ({@link NeuralRaceReduction}, docs/theory.md §2.1-§2.2) as the run's
 * overlay: for any architecture, gating and task whose assessment passes (squared error, shared singular vectors,
 * whitened or shared Σx, aligned start) the reduced system is derived from the graph and the gates and
 * {@link ReducedSystem#predict} gives what the trainer records (full-batch descent: the exact Euler map; gradient
 * flow: Dormand-Prince). When a check fails there is no overlay and the reason lists every failed check with its
 * measured misalignment. Fixed points: the reduced system's singular values after a long gradient flow (until the
 * strengths stop moving), at the run's learning rate ({@link ReducedSystem#fixedPoints}). Stateless: one instance
 * serves every sweep worker.
 */
final class RaceReduction implements TheoryOverlay {
    /** How the prediction's name marks a start that is not aligned (gdln compare reports it). */
    static final String APPROXIMATE = "approximate: start projected from random weights";

    @Override
    public Optional<String> declines(RunConfig c) {
        if (c.trainer().method() == TrainerSettings.Method.SGD) {
            return Optional.of("the neural race reduction describes full-batch descent or gradient flow, not sgd");
        }
        return Optional.empty();
    }

    @Override
    public Outcome assess(RunConfig c, Simulation sim) {
        Optional<String> d = declines(c);
        if (d.isPresent()) {
            return Outcome.declined(d.get());
        }
        if (sim.task().loss().kind() != LossKind.SQUARED_ERROR) {
            return Outcome.declined("the neural race reduction needs a squared-error loss, the task's is "
                    + sim.task().loss().kind());
        }
        NeuralRaceReduction.Analysis analysis = NeuralRaceReduction.analyse(sim.task(), sim.network());
        // a random (not aligned) start alone does not decline: RandomStartProjection starts the reduced system
        // from the projection of the network's own weights (reported as approximate)
        List<ReductionCheck> failed = analysis.assessment().failures().stream()
                .filter(f -> !f.name().equals(NeuralRaceReduction.ALIGNED)).toList();
        if (!failed.isEmpty()) {
            return Outcome.declined("neural race reduction assumptions fail: " + failed.stream()
                    .map(ReductionCheck::toString).map(String::trim).collect(Collectors.joining("; ")));
        }
        boolean projected = analysis.system().isEmpty();
        ReducedSystem r;
        try {
            r = projected ? RandomStartProjection.projected(sim.task(), sim.network()) : analysis.system().get();
        } catch (IllegalStateException e) {
            return Outcome.declined("random start, and its projection onto the aligned system fails: "
                    + e.getMessage().replace('\n', ' '));
        }
        TrainerSettings s = c.trainer();
        List<Trajectory.Point> pts = r.predict(s).trajectory().points();
        int n = pts.size();
        double[] epochs = new double[n];
        double[] loss = new double[n];
        double[] trained = new double[n];
        double[] untrained = new double[n];
        Map<String, double[][]> sv = new LinkedHashMap<>();
        for (String edge : s.trackedEdges()) {
            int k = pts.get(0).singularValues().get(edge).length;
            sv.put(edge, new double[k][n]);
        }
        for (int i = 0; i < n; i++) {
            Trajectory.Point p = pts.get(i);
            epochs[i] = p.epoch();
            loss[i] = p.loss();
            trained[i] = p.trainedLoss();
            untrained[i] = p.untrainedLoss().orElse(Double.NaN);
            for (Map.Entry<String, double[][]> e : sv.entrySet()) {
                double[] v = p.singularValues().get(e.getKey());
                for (int k = 0; k < e.getValue().length; k++) {
                    e.getValue()[k][i] = k < v.length ? v[k] : Double.NaN;
                }
            }
        }
        return Outcome.predicted(new Prediction("neural race reduction (docs/theory.md §2.2), "
                + r.scalarEdges().size() + " scalar edges, " + r.scalarPaths().size() + " mode paths"
                + (projected ? "; " + APPROXIMATE : ""), epochs, loss, trained, untrained, sv, r.fixedPoints(s)));
    }
}
