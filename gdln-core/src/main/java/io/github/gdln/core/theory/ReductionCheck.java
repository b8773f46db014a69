package io.github.gdln.core.theory;

/**
 * One assumption of the neural race reduction (docs/theory.md §2.1) checked on a task and a network.
 *
 * @param name      what is checked, e.g. {@code "shared singular vectors (Σyx)"}
 * @param value     the measured misalignment (relative off-pattern norm; 0 when the assumption holds exactly)
 * @param tolerance the largest value accepted
 * @param passed    {@code value <= tolerance}
 * @param detail    where the largest misalignment was found
 */
public record ReductionCheck(String name, double value, double tolerance, boolean passed, String detail) {
    static ReductionCheck of(String name, double value, double tolerance, String detail) {
        return new ReductionCheck(name, value, tolerance, value <= tolerance, detail);
    }

    @Override
    public String toString() {
        return (passed ? "ok   " : "FAIL ") + name + ": " + String.format("%.3g", value) + " (tolerance "
                + String.format("%.1g", tolerance) + ")" + (detail.isEmpty() ? "" : "; " + detail);
    }
}
