package io.github.gdln.core.theory;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The assumptions of docs/theory.md §2.1 checked on a task and a network: whether the neural race reduction is exact.
 *
 * @param checks every check, in a fixed order (squared-error loss, aligned start, shared singular vectors of Σyx,
 *               whitened or shared Σx)
 */
public record ReductionAssessment(List<ReductionCheck> checks) {
    public ReductionAssessment {
        checks = List.copyOf(checks);
    }

    /** Whether every check passed. */
    public boolean holds() {
        return checks.stream().allMatch(ReductionCheck::passed);
    }

    /** The checks that failed. */
    public List<ReductionCheck> failures() {
        return checks.stream().filter(c -> !c.passed()).toList();
    }

    /** The check of the given name, or an error listing the names. */
    public ReductionCheck check(String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no check '" + name + "'; checks are "
                        + checks.stream().map(ReductionCheck::name).toList()));
    }

    @Override
    public String toString() {
        return checks.stream().map(ReductionCheck::toString).collect(Collectors.joining("\n"));
    }
}
