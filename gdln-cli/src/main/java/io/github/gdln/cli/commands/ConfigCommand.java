package io.github.gdln.cli.commands;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import io.github.gdln.cli.App;
import io.github.gdln.cli.GdlnCommand;
import io.github.gdln.cli.Main;
import io.github.gdln.cli.config.Assignment;
import io.github.gdln.cli.config.Binder;
import io.github.gdln.cli.config.Composer;
import io.github.gdln.cli.config.Origins;
import io.github.gdln.cli.config.RunConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gdln config}: the resolved configuration of an experiment with overrides, each value with its origin. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Prints the resolved configuration (validated as 'run' would) with each value's origin:",
                "reference.conf (defaults), the experiment file, --config FILE, or the command line."},
        footer = {"", "Examples:", "  gdln config routing-toy", "  gdln config routing-toy gating.K=2 --hocon"})
public final class ConfigCommand implements Callable<Integer> {
    @ParentCommand
    GdlnCommand parent;

    @Parameters(paramLabel = "EXPERIMENT|key=value", arity = "1..*", description = "as for 'gdln run'",
            completionCandidates = ExperimentNames.class)
    List<String> positional;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "a HOCON file layered over the experiment")
    Path configFile;

    @Option(names = "--hocon", description = "print plain HOCON (as written to config.conf), without origins")
    boolean hocon;

    @Override
    public Integer call() {
        App app = parent.app();
        ConfigArgs args = ConfigArgs.parse(positional);
        Config experiment = args.experimentLayer(app);
        Config user = ConfigArgs.userLayer(configFile);
        args.launcher(null, user, experiment); // validated, not shown: not part of a run's configuration
        List<Assignment> fixed = new ArrayList<>();
        for (Assignment a : args.runOverrides()) {
            if (a.sweepValues().size() > 1) {
                throw new Main.UsageException("'" + a.text() + "' is a sweep; 'config' shows one point");
            }
            fixed.add(a);
        }
        Composer.Composed composed = app.composer().compose(ConfigArgs.withoutLauncher(experiment),
                ConfigArgs.withoutLauncher(user), fixed);
        RunConfig rc = Binder.bind(app.composer(), composed);
        if (hocon) {
            app.out().print(rc.resolved().root().render(ConfigRenderOptions.defaults().setOriginComments(false)
                    .setComments(false).setJson(false)));
            return Main.OK;
        }
        Config c = rc.resolved();
        Map<String, ConfigValue> sorted = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
            sorted.put(e.getKey(), e.getValue());
        }
        List<String[]> rows = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : sorted.entrySet()) {
            rows.add(new String[] {e.getKey(), "= " + e.getValue().render(ConfigRenderOptions.concise()),
                "# " + Origins.describe(e.getValue().origin())});
        }
        Summaries.table(app.out(), rows);
        return Main.OK;
    }
}
