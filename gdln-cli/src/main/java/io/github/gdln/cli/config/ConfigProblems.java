package io.github.gdln.cli.config;

import java.util.List;

/**
 * The configuration is invalid: every problem found, reported together before anything runs. The command line
 * maps it to exit code 2 (usage error).
 */
public final class ConfigProblems extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    /** All problems found; never empty. */
    public ConfigProblems(List<Problem> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    /** One problem. */
    public ConfigProblems(Problem problem) {
        this(List.of(problem));
    }

    /** The problems, in the order found. */
    public List<Problem> problems() {
        return problems;
    }

    private static String format(List<Problem> problems) {
        StringBuilder sb = new StringBuilder();
        sb.append(problems.size() == 1 ? "1 problem" : problems.size() + " problems").append(" in the configuration:");
        for (Problem p : problems) {
            sb.append(System.lineSeparator()).append("  ").append(p.describe());
        }
        return sb.toString();
    }
}
