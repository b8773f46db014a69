package io.github.gdln.core.kpath;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * Per-pathway sums over evaluated samples: for every input domain i and output domain j the summed cross-entropy
 * {@code lossSum[i][j]} and the number of correct arg-max predictions {@code correct[i][j]}, over {@code samples}
 * base images. Mutable accumulator: {@link #add(PairStats)} merges batches.
 */
public final class PairStats {
    private final double[][] lossSum;
    private final long[][] correct;
    private long samples;

    /** An empty accumulator for {@code domains} input and output domains. */
    public PairStats(int domains) {
        if (domains <= 0) {
            throw new IllegalArgumentException("domains must be > 0, got " + domains);
        }
        lossSum = new double[domains][domains];
        correct = new long[domains][domains];
    }

    /** Number of domains M. */
    public int domains() {
        return lossSum.length;
    }

    /** Base images counted so far. */
    public long samples() {
        return samples;
    }

    /** Summed loss of pathway (i, j) over the samples. */
    public double lossSum(int i, int j) {
        return lossSum[i][j];
    }

    /** Correct predictions of pathway (i, j). */
    public long correct(int i, int j) {
        return correct[i][j];
    }

    /** Mean loss of pathway (i, j); empty when no sample was counted. */
    public OptionalDouble meanLoss(int i, int j) {
        return samples == 0 ? OptionalDouble.empty() : OptionalDouble.of(lossSum[i][j] / samples);
    }

    /** Accuracy of pathway (i, j); empty when no sample was counted. */
    public OptionalDouble accuracy(int i, int j) {
        return samples == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) correct[i][j] / samples);
    }

    void addPair(int i, int j, double loss, boolean hit) {
        lossSum[i][j] += loss;
        if (hit) {
            correct[i][j]++;
        }
    }

    void addSamples(long n) {
        samples += n;
    }

    /** Adds another accumulator of the same size into this one. */
    public PairStats add(PairStats other) {
        if (other.domains() != domains()) {
            throw new IllegalArgumentException("other.domains() must be " + domains() + ", got " + other.domains());
        }
        for (int i = 0; i < lossSum.length; i++) {
            for (int j = 0; j < lossSum.length; j++) {
                lossSum[i][j] += other.lossSum[i][j];
                correct[i][j] += other.correct[i][j];
            }
        }
        samples += other.samples;
        return this;
    }

    /**
     * Trained / untrained accuracy and loss, averaged over the pathways of each group (Σ(correct·G)/(ΣG·n) as in
     * docs/theory.md §4.1). A group with no pathway, or no samples at all, is empty.
     */
    public Metrics metrics(boolean[][] gate) {
        int m = domains();
        if (gate.length != m) {
            throw new IllegalArgumentException("gate must have " + m + " rows, got " + gate.length);
        }
        double[] acc = new double[2];
        double[] loss = new double[2];
        long[] pairs = new long[2];
        for (int i = 0; i < m; i++) {
            if (gate[i].length != m) {
                throw new IllegalArgumentException("gate row " + i + " must have " + m + " entries, got " + gate[i].length);
            }
            for (int j = 0; j < m; j++) {
                int g = gate[i][j] ? 0 : 1;
                acc[g] += correct[i][j];
                loss[g] += lossSum[i][j];
                pairs[g]++;
            }
        }
        return new Metrics(mean(acc[0], pairs[0]), mean(loss[0], pairs[0]),
                mean(acc[1], pairs[1]), mean(loss[1], pairs[1]));
    }

    private OptionalDouble mean(double sum, long pairs) {
        return pairs == 0 || samples == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum / ((double) pairs * samples));
    }

    @Override
    public String toString() {
        return "PairStats[samples=" + samples + ", correct=" + Arrays.deepToString(correct) + "]";
    }
}
