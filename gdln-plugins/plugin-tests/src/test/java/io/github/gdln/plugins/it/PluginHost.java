package io.github.gdln.plugins.it;

import io.github.gdln.cli.plugins.PluginLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The host side of these tests: the application's own loader ({@link PluginLoader#scan}, gdln-cli), so the tests
 * prove what {@code gdln} does with a plugins folder. No loading logic lives here.
 */
final class PluginHost {
    private PluginHost() {
    }

    /** Loads every {@code *.jar} of {@code folder} for an application of version {@code systemVersion}. */
    static PluginLoader.Scan load(Path folder, String systemVersion) throws IOException {
        return PluginLoader.scan(folder, systemVersion, Set.of());
    }
}
