package io.github.gdln.cli.commands;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.github.gdln.cli.App;
import io.github.gdln.cli.Main;
import io.github.gdln.cli.config.Assignment;
import io.github.gdln.cli.plot.SweepPlots;
import io.github.gdln.cli.run.AtomicFiles;
import io.github.gdln.cli.run.Json;
import io.github.gdln.cli.run.RunExecutor;
import io.github.gdln.cli.run.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A sweep folder, the whole state of a sweep (no database): {@code sweep.json} (the experiment, the axes and every
 * point's folder, label and axis values), one run folder per point, {@code sweep-summary.csv} and the plots; for a
 * sweep on SLURM also {@code slurm/} (the batch script, the launcher settings, the submitted job ids in
 * {@code jobs.tsv}, appended only after {@code sbatch} accepted a job, and the tasks' logs).
 *
 * @param root       the folder
 * @param experiment the experiment's name
 * @param launcher   {@code local} or {@code slurm}
 * @param axes       the swept keys
 * @param points     the points, in order
 */
record SweepFolder(Path root, String experiment, String launcher, List<String> axes, List<Point> points) {
    /** The description file. */
    static final String FILE = "sweep.json";

    /**
     * One point.
     *
     * @param folder its run folder's name
     * @param label  its label, e.g. {@code gating.K=2,seed=1}
     * @param values its value of each axis
     */
    record Point(String folder, String label, List<String> values) {
    }

    /**
     * A job array submitted for some points.
     *
     * @param jobId   SLURM's job id
     * @param indices the points it runs (sbatch's {@code --array} list)
     */
    record Submission(String jobId, String indices) {
    }

    /** Describes {@code sweep} in {@code root/sweep.json}. */
    static SweepFolder create(Path root, String experiment, Sweep sweep, String command, String launcher,
                              int workers) throws IOException {
        int n = sweep.points().size();
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Assignment> p = sweep.points().get(i);
            points.add(new Point(Sweep.folderName(i, n, p), Sweep.label(p), p.stream().map(Assignment::value)
                    .toList()));
        }
        SweepFolder f = new SweepFolder(root, experiment, launcher, List.copyOf(sweep.axes().keySet()), points);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("experiment", experiment);
        info.put("command", command);
        info.put("axes", sweep.axes());
        info.put("axis_names", List.copyOf(sweep.axes().keySet()));
        info.put("points", n);
        info.put("launcher", launcher);
        if (workers > 0) {
            info.put("workers", workers);
        }
        info.put("point_folders", points.stream().map(Point::folder).toList());
        info.put("point_labels", points.stream().map(Point::label).toList());
        info.put("point_values", points.stream().map(Point::values).toList());
        AtomicFiles.writeAtomically(root.resolve(FILE), Json.write(info));
        return f;
    }

    /** Reads a sweep folder. */
    static SweepFolder read(Path root) {
        Path file = root.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new Main.UsageException(root + " is not a sweep folder (no " + FILE + "; a sweep folder is what"
                    + " 'gdln run -m' prints)");
        }
        Config c = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        if (!c.hasPath("point_folders") || !c.hasPath("axis_names")) {
            throw new Main.UsageException(file + " lists no point folders (written by an older gdln)");
        }
        List<String> folders = c.getStringList("point_folders");
        List<String> labels = c.getStringList("point_labels");
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < folders.size(); i++) {
            List<String> values = new ArrayList<>();
            for (Object v : c.getList("point_values").get(i).unwrapped() instanceof List<?> l ? l : List.of()) {
                values.add(String.valueOf(v));
            }
            points.add(new Point(folders.get(i), labels.get(i), values));
        }
        return new SweepFolder(root, c.getString("experiment"), c.hasPath("launcher") ? c.getString("launcher")
                : "local", c.getStringList("axis_names"),
                List.copyOf(points));
    }

    /** Point {@code i}'s run folder. */
    Path folder(int i) {
        return root.resolve(points.get(i).folder());
    }

    /** The SLURM files' folder. */
    Path slurmDir() {
        return root.resolve("slurm");
    }

    /** The job arrays submitted so far, oldest first. */
    List<Submission> submissions() throws IOException {
        Path f = slurmDir().resolve("jobs.tsv");
        List<Submission> s = new ArrayList<>();
        if (Files.isRegularFile(f)) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                String[] p = line.split("\t");
                if (p.length >= 2 && p[0].matches("\\d+")) {
                    s.add(new Submission(p[0], p[1]));
                }
            }
        }
        return s;
    }

    /** Records an accepted job array. */
    void addSubmission(Submission s) throws IOException {
        Path f = slurmDir().resolve("jobs.tsv");
        if (!Files.exists(f)) {
            Files.writeString(f, "job_id\tarray\tsubmitted\n", StandardCharsets.UTF_8);
        }
        Files.writeString(f, s.jobId() + "\t" + s.indices() + "\t" + Instant.now() + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
    }

    /** Point {@code i}'s final outcome (completed, failed or interrupted), when its run folder has one. */
    Optional<RunExecutor.Outcome> finalOutcome(int i) {
        Path folder = folder(i);
        try {
            Status s = Status.read(folder);
            if (s.state() == Status.State.RUNNING || !Files.isRegularFile(folder.resolve("summary.json"))) {
                return Optional.empty();
            }
            Config c = ConfigFactory.parseFile(folder.resolve("summary.json").toFile());
            Map<String, Object> summary = new LinkedHashMap<>(c.root().unwrapped());
            return Optional.of(new RunExecutor.Outcome(folder, s, summary));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A stand-in outcome for a point without a final state ({@code word}: pending, running, missing...). */
    RunExecutor.Outcome placeholder(int i, String word, String reason) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("status", word);
        summary.put("reason", reason);
        summary.put("sweep_point", points.get(i).label());
        return new RunExecutor.Outcome(folder(i), new Status(Status.State.INTERRUPTED, reason), summary);
    }

    /** Writes {@code sweep-summary.csv} and the plots of {@code outcomes} and prints the table. */
    void report(App app, List<RunExecutor.Outcome> outcomes, String command) throws IOException {
        SweepTable table = new SweepTable(axes, points.stream().map(Point::values).toList(), outcomes);
        table.write(root);
        table.print(app.out());
        try {
            SweepPlots.write(root, table);
        } catch (RuntimeException | IOException e) {
            app.err().println("gdln " + command + ": sweep plots not written: " + e.getMessage());
        }
    }
}
