package io.github.gdln.api;

/** The per-sample loss of a task. */
public enum LossKind {
    /** scale · Σ_out ||y_v − h_v||²; the learning dynamics then depend on the data only through path statistics. */
    SQUARED_ERROR,
    /** Softmax cross-entropy on each output node; targets are one-hot rows. */
    SOFTMAX_CROSS_ENTROPY
}
