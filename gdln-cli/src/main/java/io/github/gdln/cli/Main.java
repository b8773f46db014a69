package io.github.gdln.cli;

import io.github.gdln.cli.config.ConfigProblems;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The {@code gdln} command line. {@link #main} parses, dispatches and exits with the command's code: 0 ok,
 * 1 failure (a run failed, diverged or was interrupted; a file could not be read), 2 usage error (unknown command or
 * option, invalid configuration). Nothing else calls {@code System.exit}.
 */
public final class Main {
    /** Exit code: success. */
    public static final int OK = 0;
    /** Exit code: a run or an operation failed. */
    public static final int FAILURE = 1;
    /** Exit code: bad usage or configuration. */
    public static final int USAGE = 2;

    private Main() {
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        int code = run(args, System.out, System.err, System.console() != null);
        System.exit(code);
    }

    /**
     * Runs the command line without exiting (tests call this).
     *
     * @param terminal whether output goes to a terminal (progress bars instead of periodic lines)
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean terminal) {
        GdlnCommand root = new GdlnCommand(out, err, terminal, java.util.List.of(args));
        CommandLine cl = commandLine(root, out, err);
        return cl.execute(args);
    }

    /** The configured picocli command line. */
    static CommandLine commandLine(GdlnCommand root, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(root);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExitCodeExceptionMapper(t -> t instanceof ConfigProblems || t instanceof UsageException
                || t instanceof CommandLine.ParameterException ? USAGE
                : FAILURE);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter w = commandLine.getErr();
            if (ex instanceof ConfigProblems || ex instanceof UsageException) {
                w.println("gdln " + commandLine.getCommandName() + ": " + ex.getMessage());
                if (ex instanceof UsageException) {
                    w.println("(see: gdln " + commandLine.getCommandName() + " --help)");
                }
                return USAGE;
            }
            w.println("gdln " + commandLine.getCommandName() + ": " + (ex.getMessage() != null ? ex.getMessage()
                    : ex.toString()));
            if (root.verbose) {
                ex.printStackTrace(w);
            }
            return FAILURE;
        });
        return cl;
    }

    /** A usage error found after parsing (exit code 2). */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }
}
