package io.github.gdln.cli;

import io.github.gdln.cli.commands.CompareCommand;
import io.github.gdln.cli.commands.ConfigCommand;
import io.github.gdln.cli.commands.ListCommand;
import io.github.gdln.cli.commands.PlotCommand;
import io.github.gdln.cli.commands.ReproduceCommand;
import io.github.gdln.cli.commands.ResumeCommand;
import io.github.gdln.cli.commands.RunCommand;
import io.github.gdln.cli.commands.SweepCommand;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The top-level {@code gdln} command: global options and the subcommands. */
@Command(name = "gdln", mixinStandardHelpOptions = true, versionProvider = GdlnCommand.Version.class,
        description = {"Gated Deep Linear Networks: run the paper's experiments, sweep them, compare with the theory.",
                ""},
        subcommands = {RunCommand.class, ListCommand.class, ConfigCommand.class, CompareCommand.class,
                PlotCommand.class, ReproduceCommand.class, ResumeCommand.class, SweepCommand.class,
                AutoComplete.GenerateCompletion.class},
        footer = {"", "Examples:",
                "  gdln run routing-toy                          the routing network of docs/theory.md §3.2",
                "  gdln run routing-toy gating.K=2 seed=3        with overrides",
                "  gdln run -m routing-toy gating.K=1,2,4 seed=1,2   a sweep over 6 points",
                "  gdln config routing-toy trainer.epochs=50     the resolved config and each value's origin",
                "  gdln run -m routing-toy seed=1,2,3 --launcher slurm   the sweep as a SLURM job array",
                "  gdln sweep status --watch runs/routing-toy/<date-time>   a sweep's points",
                "  gdln list                                     experiments, components, plugins",
                "  source <(gdln generate-completion)            bash/zsh completion",
                "",
                "Exit codes: 0 ok, 1 failure (a run failed or was interrupted), 2 usage or configuration error."})
public final class GdlnCommand implements Runnable {
    /** The environment variable naming the plugin folder. */
    public static final String PLUGINS_ENV = "GDLN_PLUGINS";

    @Option(names = "--plugins", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "plugin folder (default: $GDLN_PLUGINS, else ./plugins)")
    Path plugins;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "stack traces on errors (also of plugin jars that fail to load)")
    boolean verbose;

    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;
    private final List<String> args;
    private App app;

    GdlnCommand(PrintStream out, PrintStream err, boolean terminal, List<String> args) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.args = args;
    }

    /** The environment, created on first use (loads the plugins). */
    public synchronized App app() {
        if (app == null) {
            Path dir = plugins;
            if (dir == null) {
                String env = System.getenv(PLUGINS_ENV);
                dir = env != null && !env.isBlank() ? Path.of(env) : Path.of("plugins");
            }
            app = App.create(dir, out, err, terminal, args, verbose);
        }
        return app;
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "a command is required: run, list, config, compare, plot, reproduce, resume, sweep,"
                        + " generate-completion");
    }

    /** The version line. */
    public static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gdln " + App.version(), "Java " + System.getProperty("java.version") + ", "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
        }
    }
}
