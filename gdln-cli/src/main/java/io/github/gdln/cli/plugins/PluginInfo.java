package io.github.gdln.cli.plugins;

import java.nio.file.Path;
import java.util.List;

/**
 * A plugin jar as loaded (or not).
 *
 * @param id         the {@code Plugin-Id}, or the jar's file name when the jar could not be read
 * @param version    the {@code Plugin-Version}, or empty
 * @param jar        the jar
 * @param state      {@code started}, or {@code failed}
 * @param error      why it failed, or empty
 * @param components what it registered, as {@code kind name} (e.g. {@code task mnist-routing})
 * @param cause      the exception behind {@code error}, when there was one (its stack trace is shown with
 *                   {@code gdln -v}), else null
 */
public record PluginInfo(String id, String version, Path jar, String state, String error, List<String> components,
                         Throwable cause) {
    public PluginInfo {
        components = List.copyOf(components);
    }

    /** A plugin jar without an exception behind its state. */
    public PluginInfo(String id, String version, Path jar, String state, String error, List<String> components) {
        this(id, version, jar, state, error, components, null);
    }

    /** The origin shown beside each component: {@code plugin <id>@<version>}. */
    public String origin() {
        return "plugin " + id + (version.isEmpty() ? "" : "@" + version);
    }

    /** Whether it loaded and registered. */
    public boolean ok() {
        return error.isEmpty();
    }
}
