package io.github.gdln.cli.commands;

import io.github.gdln.api.Architecture;
import io.github.gdln.api.GatingScheme;
import io.github.gdln.api.Task;
import io.github.gdln.cli.App;
import io.github.gdln.cli.GdlnCommand;
import io.github.gdln.cli.Main;
import io.github.gdln.cli.config.Binder;
import io.github.gdln.cli.config.Experiments;
import io.github.gdln.cli.plugins.PluginInfo;
import io.github.gdln.core.Registry;
import io.github.gdln.core.train.TrainingEngine;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gdln list}: experiments, tasks, gating schemes, architectures, trainers, engines, plugins, with origins. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Lists experiments, tasks, gating schemes, architectures (config group model), trainers,"
                + " engines, init schemes and plugins, each with where it came from.")
public final class ListCommand implements Callable<Integer> {
    @ParentCommand
    GdlnCommand parent;

    @Parameters(arity = "0..1", paramLabel = "WHAT",
            description = "one section: experiments, tasks, gatings, architectures (or models), trainers, engines,"
                    + " inits, plugins")
    String what;

    @Override
    public Integer call() {
        App app = parent.app();
        PrintStream out = app.out();
        List<String> sections = List.of("experiments", "tasks", "gatings", "architectures", "trainers", "engines",
                "inits", "plugins");
        if ("models".equals(what)) {
            what = "architectures"; // the config group's name, kept as a synonym
        }
        if (what != null && !sections.contains(what)) {
            throw new Main.UsageException("unknown section '" + what + "'; one of " + String.join(", ", sections));
        }
        boolean all = what == null;
        if (all || what.equals("experiments")) {
            List<String[]> rows = new ArrayList<>();
            for (Experiments.Source s : app.experiments().all()) {
                rows.add(new String[] {"  " + s.name(), s.origin(), s.description()});
            }
            section(out, "experiments (gdln run <name>)", rows);
        }
        if (all || what.equals("tasks")) {
            section(out, "tasks (task=<name>)", components(app, Registry.Kind.TASK));
        }
        if (all || what.equals("gatings")) {
            section(out, "gating schemes (gating=<name>)", components(app, Registry.Kind.GATING));
        }
        if (all || what.equals("architectures")) {
            section(out, "architectures (model=<name>)", components(app, Registry.Kind.ARCHITECTURE));
        }
        if (all || what.equals("trainers")) {
            section(out, "trainers (trainer.method=<name>)", List.of(
                    new String[] {"  sgd", "built-in", "minibatch SGD with momentum (trainer.batch-size, momentum)"},
                    new String[] {"  full-batch", "built-in", "one gradient step on all samples per epoch"},
                    new String[] {"  gradient-flow", "built-in",
                        "continuous limit, Dormand-Prince 8(5,3) (trainer.flow-tolerance)"}));
        }
        if (all || what.equals("engines")) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"  auto", "built-in", "the fastest engine that can train the setup exactly"});
            rows.addAll(components(app, Registry.Kind.ENGINE));
            section(out, "engines (trainer.engine=<name>; every engine trains the same network)", rows);
        }
        if (all || what.equals("inits")) {
            List<String[]> rows = new ArrayList<>();
            for (String s : Binder.INITS) {
                rows.add(new String[] {"  " + s, "built-in", switch (s) {
                    case "aligned" -> "decoupled start of docs/theory.md §2.1, every mode at b0 = init.scale";
                    case "orthogonal" -> "random orthogonal, every singular value = init.scale";
                    case "gaussian" -> "i.i.d. normal, std = init.scale";
                    case "xavier" -> "uniform Xavier/Glorot, gain = init.scale";
                    default -> "all weights zero";
                }});
            }
            section(out, "init schemes (init.scheme=<name>)", rows);
        }
        if (all || what.equals("plugins")) {
            List<String[]> rows = new ArrayList<>();
            for (PluginInfo p : app.plugins()) {
                rows.add(new String[] {"  " + p.id() + (p.version().isEmpty() ? "" : " " + p.version()),
                    p.jar().toString(), !p.ok() ? "FAILED: " + p.error() : p.state().equals("shadowed")
                        ? "shadowed: the same plugin id was loaded from an earlier folder"
                        : p.state() + ": " + String.join(", ", p.components())});
            }
            if (rows.isEmpty()) {
                rows.add(new String[] {"  (none in " + app.pluginDir() + App.bundledPlugins().map(b -> " or " + b)
                        .orElse("") + ")", "", ""});
            }
            section(out, "plugins (--plugins DIR, $GDLN_PLUGINS, ./plugins; then the bundled plugins"
                    + App.bundledPlugins().map(b -> " in " + b).orElse("") + ")", rows);
        }
        return Main.OK;
    }

    private static List<String[]> components(App app, Registry.Kind kind) {
        return app.registry().describe(kind, e -> new String[] {"  " + e.name(), e.origin(),
            describe(e.component())});
    }

    private static String describe(Object c) {
        if (c instanceof Task t) {
            return t.description();
        }
        if (c instanceof GatingScheme g) {
            return g.description();
        }
        if (c instanceof Architecture a) {
            return a.description();
        }
        if (c instanceof TrainingEngine e) {
            return e.description();
        }
        return "";
    }

    private static void section(PrintStream out, String title, List<String[]> rows) {
        out.println(title + ":");
        if (!rows.isEmpty()) {
            Summaries.table(out, rows);
        }
        out.println();
    }
}
