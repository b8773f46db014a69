package io.github.gdln.cli.commands;

import com.typesafe.config.Config;
import io.github.gdln.cli.App;
import io.github.gdln.cli.Main;
import io.github.gdln.cli.config.Composer;
import io.github.gdln.cli.config.Assignment;
import io.github.gdln.cli.launch.LauncherSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The experiment and {@code key=value} arguments shared by {@code run} and {@code config}: positional arguments in
 * any order, the experiment being the one without {@code =} (a name from {@code gdln list} or a path to a
 * {@code .conf} file).
 *
 * @param experiment the experiment name or path
 * @param overrides  the overrides in order
 */
record ConfigArgs(String experiment, List<Assignment> overrides) {
    static ConfigArgs parse(List<String> positional) {
        String experiment = null;
        List<Assignment> overrides = new ArrayList<>();
        for (String a : positional == null ? List.<String>of() : positional) {
            if (a.contains("=")) {
                try {
                    overrides.add(Assignment.parse(a));
                } catch (IllegalArgumentException e) {
                    throw new Main.UsageException(e.getMessage());
                }
            } else if (experiment == null) {
                experiment = a;
            } else {
                throw new Main.UsageException("two experiments given ('" + experiment + "' and '" + a
                        + "'); overrides are written key=value");
            }
        }
        if (experiment == null) {
            throw new Main.UsageException("no experiment given; see 'gdln list' for the experiments");
        }
        return new ConfigArgs(experiment, overrides);
    }

    /** The overrides of the run's configuration: all but the launcher group's. */
    List<Assignment> runOverrides() {
        return overrides.stream().filter(o -> !LauncherSettings.isLauncherKey(o.key())).toList();
    }

    /**
     * The launcher settings: {@code --launcher NAME} (null: not given), the launcher overrides, the user's file and
     * the experiment's {@code launcher} block over the defaults, validated.
     */
    LauncherSettings launcher(String name, Config user, Config experiment) {
        List<Assignment> given = new ArrayList<>(overrides.stream()
                .filter(o -> LauncherSettings.isLauncherKey(o.key())).toList());
        if (name != null) {
            given.add(Assignment.parse(LauncherSettings.GROUP + "=" + name));
        }
        return LauncherSettings.bind(List.of(LauncherSettings.layer(given), user, experiment));
    }

    /** A layer without the launcher group (not part of a run's configuration). */
    static Config withoutLauncher(Config layer) {
        return layer.withoutPath(LauncherSettings.GROUP);
    }

    /** The experiment's layer. */
    Config experimentLayer(App app) {
        return Composer.experimentLayer(app.experiments(), experiment);
    }

    /** The user's layer. */
    static Config userLayer(Path file) {
        return Composer.userLayer(Optional.ofNullable(file));
    }
}
