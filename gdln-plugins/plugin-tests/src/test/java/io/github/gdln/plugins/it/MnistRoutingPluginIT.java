package io.github.gdln.plugins.it;

import io.github.gdln.datasets.testing.IdxFixtures;
import io.github.gdln.cli.plugins.PluginLoader;
import io.github.gdln.kpath.KPathRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.gdln.api.RoutingData;
import io.github.gdln.api.Task;
import io.github.gdln.api.TaskData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mnist-routing jar as built by Maven, dropped in a plugins folder, loaded by PF4J and trained a few steps. */
class MnistRoutingPluginIT {

    @TempDir
    Path plugins;
    @TempDir
    Path data;

    static void runAFewSteps(PluginLoader.Loaded p, Path dataDir) {
        Task task = p.tasks().stream().filter(t -> t.name().equals("mnist-routing")).findFirst().orElseThrow();
        TaskData d = task.load(Components.params(p.loader(), "gdln.task.mnist-routing", "task mnist-routing",
                Map.of("data-dir", dataDir.toString(), "domains", 3)), 5);
        assertThat(d).isInstanceOf(RoutingData.class);
        assertThat(d.contexts()).hasSize(9);
        KPathRun.Settings s = KPathRun.Settings.from(Components.params(p.loader(), "gdln.trainer.kpath",
                "trainer kpath", Map.of("epochs", 1, "hidden-width", 16, "learning-rate", 0.01)));
        KPathRun run = new KPathRun((RoutingData) d, (RoutingData) d.test().orElseThrow(),
                KPathRun.routingGate("K_plus_mod", 2, true, 3, 5), s, 5);
        assertThat(run.folded()).isTrue();
        KPathRun.EpochMetrics e = run.run(null).get(0);
        assertThat(e.trainingLoss()).isFinite();
        assertThat(e.test().orElseThrow().trainedAccuracy()).isPresent();
        assertThat(e.test().orElseThrow().untrainedAccuracy()).isPresent();
    }

    @Test
    void loadsFromAPluginsFolderAndTrains() throws Exception {
        Files.copy(PluginJars.built("gdln-plugin-mnist-routing"), plugins.resolve("mnist-routing.jar"));
        IdxFixtures.writeMnist(data.resolve("mnist"), 40, 1);
        PluginLoader.Scan r = PluginHost.load(plugins, "0.1.0");
        assertThat(r.errors()).isEmpty();
        PluginLoader.Loaded p = r.plugin("mnist-routing");
        assertThat(p.version()).isEqualTo("0.1.0");
        assertThat(p.tasks()).extracting(Task::name).containsExactly("mnist-routing");
        // the task class comes from the jar, not from the host's class path
        assertThat(p.tasks().get(0).getClass().getClassLoader()).isSameAs(p.loader());
        assertThatThrownBy(() -> Class.forName("io.github.gdln.plugins.mnist.MnistRoutingTask"))
                .isInstanceOf(ClassNotFoundException.class);
        // ... and the API types from the host (one RoutingData interface for host and plugin)
        assertThat(p.loader().loadClass(RoutingData.class.getName())).isSameAs(RoutingData.class);
        assertThat(p.loader().getResource("experiments/mnist-routing-permute-m40.conf")).isNotNull();
        runAFewSteps(p, data);
    }

    @Test
    void badJarsAreReportedByNameAndTheOthersStillLoad() throws Exception {
        Path good = PluginJars.built("gdln-plugin-mnist-routing");
        Files.copy(good, plugins.resolve("mnist-routing.jar"));
        PluginJars.withManifest(good, plugins.resolve("no-id.jar"), Map.of("Plugin-Id", ""));
        PluginJars.withManifest(good, plugins.resolve("bad-version.jar"),
                Map.of("Plugin-Id", "bad-version", "Plugin-Version", "one.two"));
        PluginJars.withManifest(good, plugins.resolve("future.jar"),
                Map.of("Plugin-Id", "future", "Plugin-Requires", ">=99.0.0"));
        PluginJars.withManifest(good, plugins.resolve("ghost-class.jar"),
                Map.of("Plugin-Id", "ghost-class", "Plugin-Class", "io.github.gdln.plugins.ghost.GhostPlugin"));
        Path tmp = Files.createTempFile(data, "missing", ".jar");
        PluginJars.withManifest(good, tmp, Map.of("Plugin-Id", "missing-class"));
        PluginJars.withEntry(tmp, plugins.resolve("missing-class.jar"), "META-INF/services/io.github.gdln.api.Task",
                "io.github.gdln.plugins.mnist.GoneTask\n");
        IdxFixtures.writeMnist(data.resolve("mnist"), 40, 1);

        PluginLoader.Scan r = PluginHost.load(plugins, "0.1.0");
        r.errors().forEach(System.out::println);
        Map<String, String> byJar = new HashMap<>();
        for (String e : r.errors()) {
            byJar.put(e.substring("plugin jar ".length(), e.indexOf(':')), e);
        }
        assertThat(byJar).containsOnlyKeys("no-id.jar", "bad-version.jar", "future.jar", "ghost-class.jar",
                "missing-class.jar");
        assertThat(byJar.get("future.jar")).contains("requires gdln >=99.0.0", "this is gdln 0.1.0");
        assertThat(byJar.get("missing-class.jar")).contains("GoneTask");
        assertThat(byJar.get("ghost-class.jar")).contains("ghost-class");
        assertThat(r.plugins()).extracting(PluginLoader.Loaded::id).containsExactly("mnist-routing");
        runAFewSteps(r.plugin("mnist-routing"), data);
    }

    @Test
    void samePluginIdTwiceIsAnError() throws Exception {
        Path good = PluginJars.built("gdln-plugin-mnist-routing");
        Files.copy(good, plugins.resolve("a.jar"));
        Files.copy(good, plugins.resolve("b.jar"));
        PluginLoader.Scan r = PluginHost.load(plugins, "0.1.0");
        assertThat(r.plugins()).hasSize(1);
        assertThat(r.errors()).singleElement().asString().startsWith("plugin jar b.jar").contains("mnist-routing");
        assertThat(List.of(r.plugins().get(0).jar().getFileName().toString())).containsExactly("a.jar");
    }
}
