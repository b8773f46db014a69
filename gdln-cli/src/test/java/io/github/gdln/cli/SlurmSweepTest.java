package io.github.gdln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SLURM launcher against a real SLURM ({@code scripts/slurm-local up}, which CI starts): sweeps submitted as job
 * arrays, watched, collected, cancelled, resubmitted and requeued, compared bitwise with the same sweep run locally.
 * Where no SLURM answers, the tests that need one are skipped with the reason; the others (validation, a missing
 * sbatch, the batch script) always run.
 */
class SlurmSweepTest {
    /** The routing toy at M = 3, width 8: a point takes about a second of training. */
    static final String[] TINY = {"task.domains=3", "gating.K=2", "model.hidden-width=8", "experiment.grids=false"};
    static final long QUEUE_TIMEOUT_SECONDS = 120;

    @TempDir
    Path tmp;

    CliTest.Result gdln(String... args) {
        return CliTest.gdlnIn(tmp, args);
    }

    /** {@code gdln run -m routing-toy TINY extra... --runs-dir tmp/<runs> -q}. */
    CliTest.Result sweep(String runs, String... extra) {
        List<String> a = new ArrayList<>(List.of("run", "-m", "routing-toy", "--runs-dir", tmp.resolve(runs)
                .toString(), "-q"));
        a.addAll(Arrays.asList(TINY));
        a.addAll(Arrays.asList(extra));
        return gdln(a.toArray(String[]::new));
    }

    Path onlySweep(String runs) throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve(runs).resolve("routing-toy"))) {
            List<Path> l = s.toList();
            assertThat(l).hasSize(1);
            return l.get(0);
        }
    }

    static List<String> points(Path sweep) throws IOException {
        try (Stream<Path> s = Files.list(sweep)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("config.conf"))).map(p -> p.getFileName().toString())
                    .sorted().toList();
        }
    }

    /** Runs a command; its standard output (fails the test on a non-zero exit). */
    static String sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    /** Why no SLURM can be used here, or null when one answers. */
    static String slurmUnavailable() {
        try {
            Process p = new ProcessBuilder("scontrol", "ping").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || !out.contains("UP")) {
                return "no SLURM controller answers (scontrol ping: " + out.strip() + "); start one with"
                        + " scripts/slurm-local up";
            }
            Process c = new ProcessBuilder("scontrol", "show", "config").redirectErrorStream(true).start();
            String config = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            c.waitFor(30, TimeUnit.SECONDS);
            if (!config.matches("(?s).*ClusterName\\s*=\\s*gdln-local\\b.*")) {
                return "the SLURM that answers is not scripts/slurm-local's one-node cluster (gdln-local); the tests"
                        + " submit jobs only there";
            }
            return null;
        } catch (IOException | InterruptedException e) {
            return "the SLURM commands are not installed (" + e.getMessage() + "); scripts/slurm-local install && up";
        }
    }

    static void assumeSlurm() {
        String why = slurmUnavailable();
        if (why != null && "true".equals(System.getenv("CI"))) {
            // .ci/run installs SLURM and scripts/test starts it: in CI these tests must run, never skip
            fail("SLURM is not available in CI, where scripts/test starts it: " + why);
        }
        if (why != null) {
            System.err.println("SlurmSweepTest skipped: " + why);
        }
        Assumptions.assumeTrue(why == null, why);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, condition, () -> "");
    }

    /** Waits for {@code condition}; on a timeout, fails with {@code diagnostics}. */
    static void await(String what, BooleanSupplier condition, java.util.function.Supplier<String> diagnostics)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(QUEUE_TIMEOUT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + QUEUE_TIMEOUT_SECONDS + " s waiting for " + what + "\n"
                        + diagnostics.get());
            }
            Thread.sleep(200);
        }
    }

    static boolean completed(Path point) {
        return read(point.resolve("STATUS")).startsWith("completed");
    }

    static String read(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file) : "(no " + file + ")";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The lines of SLURM's queue for job {@code jobId} ({@code <id>_<index> <state> <reason>}). */
    static List<String> queue(String jobId) {
        try {
            return Arrays.stream(sh("squeue", "--noheader", "--array", "--format=%F_%K %T %r").split("\n"))
                    .map(String::strip).filter(l -> l.startsWith(jobId + "_")).toList();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> jobIds(Path sweep) throws IOException {
        return Files.readAllLines(sweep.resolve("slurm/jobs.tsv")).stream().skip(1).map(l -> l.split("\t")[0])
                .toList();
    }

    static void awaitDone(Path sweep) throws Exception {
        for (String id : jobIds(sweep)) {
            await("job array " + id + " to leave the queue", () -> queue(id).isEmpty());
        }
    }

    static int rows(Path metrics) {
        try {
            return Files.isRegularFile(metrics) ? Files.readAllLines(metrics).size() - 1 : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** sweep-summary.csv without its wall_seconds column (the only column that differs between runs). */
    static List<String> summaryWithoutTimes(Path sweep) throws IOException {
        List<String> lines = Files.readAllLines(sweep.resolve("sweep-summary.csv"));
        int col = Arrays.asList(lines.get(0).split(",")).indexOf("wall_seconds");
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            // split at the commas outside quotes (point names hold commas)
            List<String> f = new ArrayList<>(Arrays.asList(l.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1)));
            f.remove(col);
            out.add(String.join(",", f));
        }
        return out;
    }

    @Test
    void slurmSweepEqualsTheLocalSweepBitwiseAndReportsTheDivergedPoints() throws Exception {
        assumeSlurm();
        String[] axes = {"seed=1,2", "trainer.learning-rate=0.02,100", "trainer.epochs=30"};
        CliTest.Result local = sweep("local", axes);
        assertThat(local.code()).as(local.err()).isEqualTo(1);
        CliTest.Result sub = sweep("slurm", CliTest.concat(axes, "--launcher", "slurm", "launcher.time=5"));
        assertThat(sub.code()).as(sub.err()).isEqualTo(0);
        assertThat(sub.out()).contains("4 points over seed, trainer.learning-rate", "submitted 4 points as SLURM job"
                + " array", "gdln sweep status --watch");
        Path l = onlySweep("local");
        Path s = onlySweep("slurm");
        // --watch refreshes until no point is pending or running (a finished point's task may still be leaving the
        // queue): its first table shows queued points
        CliTest.Result status = gdln("sweep", "status", "--watch", "--interval", "1", s.toString());
        assertThat(status.code()).isEqualTo(0);
        assertThat(status.out()).containsPattern("(pending|running) +job " + jobIds(s).get(0) + "_");
        awaitDone(s);
        status = gdln("sweep", "status", s.toString());
        assertThat(status.out()).contains("4 points: 2 completed, 2 failed").containsPattern(
                "1_seed=1,trainer.learning-rate=100 +failed +training diverged");
        List<String> names = points(s);
        assertThat(names).isEqualTo(points(l)).hasSize(4);
        for (String p : names) {
            assertThat(Files.readAllBytes(s.resolve(p).resolve("metrics.csv"))).as(p)
                    .isEqualTo(Files.readAllBytes(l.resolve(p).resolve("metrics.csv")));
            assertThat(Files.readString(s.resolve(p).resolve("config.conf")))
                    .isEqualTo(Files.readString(l.resolve(p).resolve("config.conf")));
        }
        CliTest.Result collect = gdln("sweep", "collect", s.toString());
        assertThat(collect.code()).isEqualTo(1);
        assertThat(collect.out()).contains("2 of 4 points completed; missing: 1_seed=1,trainer.learning-rate=100"
                + " (failed), 3_seed=2,trainer.learning-rate=100 (failed)");
        assertThat(summaryWithoutTimes(s)).isEqualTo(summaryWithoutTimes(l));
        CliTest.Result again = gdln("sweep", "resubmit", s.toString());
        assertThat(again.out()).contains("nothing to resubmit", "--failed");
        assertThat(gdln("sweep", "cancel", s.toString()).out()).contains("nothing to cancel");
    }

    @Test
    void cancelledAndTimeLimitedPointsResumeFromTheirCheckpointsAndEndIdentical() throws Exception {
        assumeSlurm();
        String[] axes = {"seed=1,2", "trainer.epochs=400"};
        CliTest.Result sub = sweep("slurm", CliTest.concat(axes, "--launcher", "slurm", "launcher.time=5"));
        assertThat(sub.code()).as(sub.err()).isEqualTo(0);
        Path s = onlySweep("slurm");
        Path p0 = s.resolve("0_seed=1");
        Path p1 = s.resolve("1_seed=2");
        await("both points to train", () -> rows(p0.resolve("metrics.csv")) > 10
                && rows(p1.resolve("metrics.csv")) > 10);
        // gdln sweep cancel: scancel sends SIGTERM; the runs checkpoint and stop
        CliTest.Result cancel = gdln("sweep", "cancel", s.toString());
        assertThat(cancel.code()).as(cancel.err()).isEqualTo(0);
        assertThat(cancel.out()).contains("cancelled job array " + jobIds(s).get(0));
        awaitDone(s);
        CliTest.Result status = gdln("sweep", "status", s.toString());
        assertThat(status.out()).contains("2 points: 2 interrupted", "gdln sweep resubmit");
        for (Path p : List.of(p0, p1)) {
            assertThat(p.resolve("checkpoint.bin")).exists();
            assertThat(rows(p.resolve("metrics.csv"))).isLessThan(400);
        }
        int stoppedAt = rows(p0.resolve("metrics.csv"));

        // the local sweep, uninterrupted, while nothing runs on SLURM
        CliTest.Result local = sweep("local", CliTest.concat(axes, "--workers", "2"));
        assertThat(local.code()).as(local.err()).isEqualTo(0);
        Path l = onlySweep("local");

        CliTest.Result re = gdln("sweep", "resubmit", s.toString());
        assertThat(re.code()).as(re.err()).isEqualTo(0);
        assertThat(re.out()).contains("submitted 2 points as SLURM job array");
        String second = jobIds(s).get(1);
        // the time limit's early warning (sbatch --signal=B:USR1@N), sent now: checkpoint, stop, requeue
        await("point 0 to resume and train on", () -> rows(p0.resolve("metrics.csv")) > stoppedAt + 10);
        sh("scancel", "--signal=USR1", "--batch", second + "_0");
        await("point 0 to be requeued", () -> queue(second).stream().anyMatch(q -> q.startsWith(second
                + "_0 PENDING")));
        // SLURM holds a requeued job for two minutes (BeginTime); release it, but not within the second of the
        // requeue: slurmd refuses a start whose credential is not newer than the old instance's revocation
        Path log0 = s.resolve("slurm/logs/" + second + "_0.out");
        Thread.sleep(3000);
        sh("scontrol", "update", "JobId=" + second + "_0", "StartTime=now");
        await("point 0 to complete after its requeue", () -> completed(p0), () -> read(log0)
                + read(p0.resolve("run.log")) + queue(second));
        awaitDone(s);
        assertThat(read(log0)).contains("requeueing");
        CliTest.Result done = gdln("sweep", "status", s.toString());
        assertThat(done.out()).contains("2 points: 2 completed");
        for (String p : List.of("0_seed=1", "1_seed=2")) {
            assertThat(Files.readAllBytes(s.resolve(p).resolve("metrics.csv"))).as(p)
                    .isEqualTo(Files.readAllBytes(l.resolve(p).resolve("metrics.csv")));
            assertThat(Files.readString(s.resolve(p).resolve("run.log"))).contains("resuming at epoch");
        }
        assertThat(Files.readString(p0.resolve("run.log"))).containsPattern("(?s)resuming at epoch.*resuming at"
                + " epoch");
        // a finished point is never rerun
        CliTest.Result point = gdln("sweep", "run-point", s.toString(), "0");
        assertThat(point.code()).isEqualTo(0);
        assertThat(point.out()).contains("is complete; not rerun");
        assertThat(gdln("sweep", "collect", s.toString()).out()).contains("all 2 points completed");
    }

    @Test
    void sbatchRefusingTheArrayIsAClearErrorAndNothingIsClaimedSubmitted() throws Exception {
        assumeSlurm();
        CliTest.Result r = sweep("slurm", "seed=1,2", "--launcher", "slurm", "launcher.partition=no-such-partition");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("SLURM did not accept the job array: sbatch failed",
                "Invalid partition name specified", "nothing was submitted", "gdln sweep resubmit");
        Path s = onlySweep("slurm");
        assertThat(s.resolve("slurm/jobs.tsv")).doesNotExist();
        CliTest.Result status = gdln("sweep", "status", s.toString());
        assertThat(status.out()).contains("2 points: 2 not submitted");
        CliTest.Result re = gdln("sweep", "resubmit", s.toString(), "launcher.partition=still-missing");
        assertThat(re.code()).isEqualTo(1);
        assertThat(re.err()).contains("Invalid partition name specified");
    }

    @Test
    void aMissingSbatchIsAClearErrorAndTheBatchScriptCarriesTheSettings() throws Exception {
        CliTest.Result r = sweep("slurm", "seed=1,2,3", "--launcher", "slurm",
                "launcher.slurm-bin=" + tmp.resolve("none"),
                "launcher.cpus-per-task=3", "launcher.time=2-00:00:00", "launcher.array-parallelism=2",
                "launcher.signal-seconds=300",
                "launcher.setup=[\"module load java/17\"]", "launcher.jvm-options=[\"-Xmx2g\"]",
                "launcher.extra-sbatch=[\"--constraint=avx2\"]");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("sbatch not found (not in launcher.slurm-bin = " + tmp.resolve("none"),
                "nothing was submitted");
        Path s = onlySweep("slurm");
        String script = Files.readString(s.resolve("slurm/job.sbatch"));
        assertThat(script).contains("#SBATCH --cpus-per-task=3\n", "#SBATCH --time=2-00:00:00\n",
                "#SBATCH --signal=B:USR1@300\n",
                "#SBATCH --requeue\n", "#SBATCH --constraint=avx2\n", "\nmodule load java/17\n",
                "export OMP_NUM_THREADS=3\n", " -Xmx2g -cp ", " sweep run-point ", tmp.resolve("none") + "/scontrol");
        assertThat(points(s)).hasSize(3);
        assertThat(Files.readString(s.resolve("slurm/launcher.conf"))).contains("array-parallelism=2");
        // resubmit uses the stored settings
        CliTest.Result re = gdln("sweep", "resubmit", s.toString());
        assertThat(re.code()).isEqualTo(1);
        assertThat(re.err()).contains("sbatch not found (not in launcher.slurm-bin = " + tmp.resolve("none"));
    }

    @Test
    void launcherSettingsAreValidatedLikeEveryOtherGroup() throws IOException {
        CliTest.Result r = sweep("slurm", "seed=1,2", "launcher=slrum", "launcher.partiton=gpu", "launcher.time=soon",
                "launcher.cpus-per-task=0", "launcher.mem=lots");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("launcher.name = \"slrum\"  (command line): unknown launcher; available: local,"
                        + " slurm; did you mean 'slurm'?",
                "launcher.partiton = \"gpu\"  (command line): unknown launcher key; did you mean 'launcher.partition'?",
                "launcher.time = \"soon\"  (command line): expected a SLURM time",
                "launcher.cpus-per-task = 0  (command line): must be >= 1",
                "launcher.mem = \"lots\"  (command line): expected a size such as 4G");
        assertThat(tmp.resolve("slurm")).doesNotExist();
        Path conf = tmp.resolve("cluster.conf");
        Files.writeString(conf, "launcher {\n  name = slurm\n  qos = \"high priority\"\n}\n");
        CliTest.Result fromFile = sweep("slurm", "seed=1,2", "--config", conf.toString());
        assertThat(fromFile.code()).isEqualTo(2);
        assertThat(fromFile.err()).contains("launcher.qos = \"high priority\"  (" + conf + ":3): must not contain"
                + " spaces");
        // a cluster's file works with every command; the launcher is not part of a run's configuration
        Files.writeString(conf, "launcher {\n  name = slurm\n  partition = cpu\n}\n");
        CliTest.Result config = gdln("config", "routing-toy", "--config", conf.toString(), "launcher.time=1:00");
        assertThat(config.code()).as(config.err()).isEqualTo(0);
        assertThat(config.out()).contains("trainer.epochs").doesNotContain("launcher", "partition");
    }

}
