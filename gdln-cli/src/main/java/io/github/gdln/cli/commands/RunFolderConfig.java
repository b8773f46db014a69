package io.github.gdln.cli.commands;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.github.gdln.cli.App;
import io.github.gdln.cli.Main;
import io.github.gdln.cli.config.Assignment;
import io.github.gdln.cli.config.Binder;
import io.github.gdln.cli.config.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads a run folder's {@code config.conf} back into a validated {@link RunConfig}. */
final class RunFolderConfig {
    private RunFolderConfig() {
    }

    static RunConfig read(App app, Path folder, List<Assignment> overrides) {
        Path file = folder.resolve("config.conf");
        if (!Files.isRegularFile(file)) {
            throw new Main.UsageException(folder + " is not a run folder (no config.conf)");
        }
        Config c = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        return Binder.bind(app.composer(), app.composer().compose(c, ConfigFactory.empty(), overrides));
    }
}
