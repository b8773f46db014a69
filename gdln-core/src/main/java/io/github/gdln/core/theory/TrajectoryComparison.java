package io.github.gdln.core.theory;

import io.github.gdln.core.train.Trajectory;
import java.util.List;
import java.util.Map;

/**
 * A theory trajectory against a simulated one, point by point (points matched by epoch; the theory is linearly
 * interpolated at the simulation's epochs when they differ): maximum and mean absolute and relative deviation of the
 * objective and of the tracked singular values (relative = |theory − simulation| / max(|simulation|, floor)).
 *
 * @param points          points compared
 * @param lossMaxAbs      max |Δ loss|
 * @param lossMeanAbs     mean |Δ loss|
 * @param lossMaxRel      max relative Δ loss
 * @param lossMeanRel     mean relative Δ loss
 * @param singularMaxAbs  max |Δ σ| over tracked edges and modes (0 when none tracked)
 * @param singularMeanAbs mean |Δ σ|
 * @param singularMaxRel  max relative Δ σ
 * @param singularMeanRel mean relative Δ σ
 */
public record TrajectoryComparison(int points, double lossMaxAbs, double lossMeanAbs, double lossMaxRel,
                                   double lossMeanRel, double singularMaxAbs, double singularMeanAbs,
                                   double singularMaxRel, double singularMeanRel) {
    /** Denominator floor of relative deviations. */
    public static final double FLOOR = 1e-12;

    /** Compares {@code theory} with {@code simulation} at the simulation's epochs within the theory's range. */
    public static TrajectoryComparison of(Trajectory theory, Trajectory simulation) {
        List<Trajectory.Point> tp = theory.points();
        if (tp.isEmpty() || simulation.points().isEmpty()) {
            throw new IllegalArgumentException("cannot compare empty trajectories");
        }
        int n = 0;
        double lMax = 0;
        double lSum = 0;
        double lrMax = 0;
        double lrSum = 0;
        int m = 0;
        double sMax = 0;
        double sSum = 0;
        double srMax = 0;
        double srSum = 0;
        for (Trajectory.Point sp : simulation.points()) {
            double e = sp.epoch();
            int i = locate(tp, e);
            if (i < 0) {
                continue;
            }
            Trajectory.Point a = tp.get(i);
            Trajectory.Point b = tp.get(Math.min(i + 1, tp.size() - 1));
            double f = b.epoch() == a.epoch() ? 0 : (e - a.epoch()) / (b.epoch() - a.epoch());
            double loss = a.loss() + f * (b.loss() - a.loss());
            double d = Math.abs(loss - sp.loss());
            double r = d / Math.max(Math.abs(sp.loss()), FLOOR);
            lMax = Math.max(lMax, d);
            lSum += d;
            lrMax = Math.max(lrMax, r);
            lrSum += r;
            n++;
            for (Map.Entry<String, double[]> s : sp.singularValues().entrySet()) {
                double[] sa = a.singularValues().get(s.getKey());
                double[] sb = b.singularValues().get(s.getKey());
                if (sa == null || sb == null) {
                    continue;
                }
                for (int k = 0; k < Math.min(sa.length, s.getValue().length); k++) {
                    double v = sa[k] + f * (sb[k] - sa[k]);
                    double dv = Math.abs(v - s.getValue()[k]);
                    sMax = Math.max(sMax, dv);
                    sSum += dv;
                    double rv = dv / Math.max(Math.abs(s.getValue()[k]), FLOOR);
                    srMax = Math.max(srMax, rv);
                    srSum += rv;
                    m++;
                }
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("the trajectories share no epoch range");
        }
        return new TrajectoryComparison(n, lMax, lSum / n, lrMax, lrSum / n, sMax, m == 0 ? 0 : sSum / m, srMax,
                m == 0 ? 0 : srSum / m);
    }

    /** Index i with epoch_i <= e <= epoch_{i+1} (or the last point when e equals it), -1 outside. */
    private static int locate(List<Trajectory.Point> tp, double e) {
        if (e < tp.get(0).epoch() - 1e-9 || e > tp.get(tp.size() - 1).epoch() + 1e-9) {
            return -1;
        }
        for (int i = 0; i < tp.size() - 1; i++) {
            if (e <= tp.get(i + 1).epoch()) {
                return i;
            }
        }
        return tp.size() - 1;
    }
}
