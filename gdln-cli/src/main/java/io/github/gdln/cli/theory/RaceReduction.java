package io.github.gdln.cli.theory;

import io.github.gdln.api.LossKind;
import io.github.gdln.cli.config.RunConfig;
import io.github.gdln.core.Simulation;
import io.github.gdln.core.theory.NeuralRaceReduction;
import io.github.gdln.core.theory.RandomStartProjection;
import io.github.gdln.core.theory.ReducedSystem;
import io.github.gdln.core.theory.ReductionAssessment;
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
 * strengths stop moving), at the run's learning rate.
 */
final class RaceReduction implements TheoryOverlay {
    /** How the prediction's name marks a start that is not aligned (gdln compare reports it). */
    static final String APPROXIMATE = "approximate: start projected from random weights";
    private Simulation lastSim;
    private ReductionAssessment lastAssessment;

    @Override
    public Optional<String> declines(RunConfig c) {
        if (c.trainer().method() == TrainerSettings.Method.SGD) {
            return Optional.of("the neural race reduction describes full-batch descent or gradient flow, not sgd");
        }
        return Optional.empty();
    }

    @Override
    public Optional<String> declines(RunConfig c, Simulation sim) {
        Optional<String> d = declines(c);
        if (d.isPresent()) {
            return d;
        }
        if (sim.task().loss().kind() != LossKind.SQUARED_ERROR) {
            return Optional.of("the neural race reduction needs a squared-error loss, the task's is "
                    + sim.task().loss().kind());
        }
        ReductionAssessment a = assessment(sim);
        // a random (not aligned) start alone does not decline: RandomStartProjection starts the reduced system
        // from the projection of the network's own weights (reported as approximate)
        List<ReductionCheck> failed = a.failures().stream()
                .filter(f -> !f.name().equals(NeuralRaceReduction.ALIGNED)).toList();
        if (!failed.isEmpty()) {
            return Optional.of("neural race reduction assumptions fail: " + failed.stream()
                    .map(ReductionCheck::toString).map(String::trim).collect(Collectors.joining("; ")));
        }
        if (!a.holds()) {
            try {
                RandomStartProjection.reduce(sim.task(), sim.network());
            } catch (IllegalStateException e) {
                return Optional.of("random start, and its projection onto the aligned system fails: "
                        + e.getMessage().replace('\n', ' '));
            }
        }
        return Optional.empty();
    }

    private ReductionAssessment assessment(Simulation sim) {
        if (sim != lastSim) {
            lastAssessment = NeuralRaceReduction.assess(sim.task(), sim.network());
            lastSim = sim;
        }
        return lastAssessment;
    }

    @Override
    public Optional<Prediction> predict(RunConfig c, Simulation sim) {
        if (declines(c, sim).isPresent()) {
            return Optional.empty();
        }
        boolean projected = RandomStartProjection.projects(sim.task(), sim.network());
        ReducedSystem r = RandomStartProjection.reduce(sim.task(), sim.network());
        TrainerSettings s = c.trainer();
        Trajectory t = r.predict(s).trajectory();
        List<Trajectory.Point> pts = t.points();
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
        return Optional.of(new Prediction("neural race reduction (docs/theory.md §2.2), " + r.scalarEdges().size()
                + " scalar edges, " + r.scalarPaths().size() + " mode paths"
                + (projected ? "; " + APPROXIMATE : ""), epochs, loss, trained, untrained, sv,
                fixedPoints(r, s)));
    }

    /** Singular values where the reduced gradient flow comes to rest (doubling the horizon until it does). */
    private static Map<String, double[]> fixedPoints(ReducedSystem r, TrainerSettings s) {
        Map<String, double[]> fixed = new LinkedHashMap<>();
        if (s.trackedEdges().isEmpty()) {
            return fixed;
        }
        int horizon = Math.max(1, s.epochs());
        double[] prev = null;
        Trajectory.Point end = null;
        for (int round = 0; round < 8; round++, horizon *= 2) {
            TrainerSettings flow = new TrainerSettings(TrainerSettings.Method.GRADIENT_FLOW, horizon,
                    s.learningRate(), 0, 1, horizon, 1e-10, s.trackedEdges(), s.singularValues());
            end = r.predict(flow).trajectory().last();
            double[] b = end.singularValues().values().stream().flatMapToDouble(java.util.Arrays::stream).toArray();
            if (prev != null && prev.length == b.length) {
                double gap = 0;
                for (int i = 0; i < b.length; i++) {
                    gap = Math.max(gap, Math.abs(b[i] - prev[i]) / Math.max(1e-12, Math.abs(b[i])));
                }
                if (gap < 1e-6) {
                    break;
                }
            }
            prev = b;
        }
        fixed.putAll(end.singularValues());
        return fixed;
    }
}
