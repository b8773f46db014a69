package io.github.gdln.cli.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The SLURM commands gdln uses: {@code sbatch} (submit a job array), {@code squeue} (what is pending or running) and
 * {@code scancel}. No accounting database ({@code sacct}) is needed: what finished is read from the run folders.
 * Every failure becomes a {@link SlurmException} carrying SLURM's own message.
 */
public final class Slurm {
    /** A SLURM command that is missing, failed, or did not answer. */
    public static final class SlurmException extends Exception {
        private static final long serialVersionUID = 1L;

        public SlurmException(String message) {
            super(message);
        }
    }

    /**
     * A task of an array in the queue.
     *
     * @param jobId  the array's job id
     * @param index  the task's index (the sweep point)
     * @param state  SLURM's state, e.g. PENDING, RUNNING, COMPLETING
     * @param reason why it is pending (Priority, Resources, ...) or {@code None}
     */
    public record QueuedTask(String jobId, int index, String state, String reason) {
        /** Whether the task waits to start (pending, requeued, held). */
        public boolean pending() {
            return state.startsWith("PENDING") || state.startsWith("REQUEUE") || state.equals("RESV_DEL_HOLD");
        }
    }

    private static final long TIMEOUT_SECONDS = 180;
    private final String bin;

    /** @param bin the folder of the SLURM commands, or empty to find them on the PATH */
    public Slurm(String bin) {
        this.bin = bin;
    }

    /** Submits {@code script} as an array over {@code indices} (e.g. {@code 0-3%2}); returns the job id. */
    public String submitArray(Path script, String indices) throws SlurmException {
        String out = exec(List.of(command("sbatch"), "--parsable", "--array=" + indices, script.toString())).strip();
        String id = out.contains(";") ? out.substring(0, out.indexOf(';')) : out;
        if (!id.matches("\\d+")) {
            throw new SlurmException("sbatch answered '" + out + "' instead of a job id");
        }
        return id;
    }

    /** The queued tasks of the arrays {@code jobIds} (the tasks not in the queue have ended). */
    public List<QueuedTask> queue(Collection<String> jobIds) throws SlurmException {
        List<QueuedTask> tasks = new ArrayList<>();
        if (jobIds.isEmpty()) {
            return tasks;
        }
        // by user, not by job id: squeue fails for a job id that has left the queue
        String out = exec(List.of(command("squeue"), "--noheader", "--array", "--user",
                System.getProperty("user.name"), "--format=%F|%K|%T|%r"));
        for (String line : out.split("\n")) {
            String[] f = line.strip().split("\\|");
            if (f.length == 4 && jobIds.contains(f[0]) && f[1].matches("\\d+")) {
                tasks.add(new QueuedTask(f[0], Integer.parseInt(f[1]), f[2].toUpperCase(Locale.ROOT), f[3]));
            }
        }
        return tasks;
    }

    /** Cancels the arrays {@code jobIds} (SLURM sends SIGTERM: the runs checkpoint and stop). */
    public void cancel(Collection<String> jobIds) throws SlurmException {
        if (!jobIds.isEmpty()) {
            List<String> cmd = new ArrayList<>(List.of(command("scancel")));
            cmd.addAll(jobIds);
            exec(cmd);
        }
    }

    private String command(String name) {
        return bin.isEmpty() ? name : Path.of(bin, name).toString();
    }

    /** Runs a SLURM command; its standard output, or an exception with its standard error. */
    private String exec(List<String> cmd) throws SlurmException {
        String name = Path.of(cmd.get(0)).getFileName().toString();
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new SlurmException(name + " not found (" + (bin.isEmpty() ? "not on the PATH"
                    : "not in launcher.slurm-bin = " + bin) + "): gdln submits sweeps from a machine with the SLURM"
                    + " commands (a cluster's login node); set launcher.slurm-bin to their folder if they are not on"
                    + " the PATH");
        }
        try {
            java.util.concurrent.CompletableFuture<byte[]> err = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> readAll(p.getErrorStream()));
            byte[] out = readAll(p.getInputStream());
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new SlurmException(name + " did not answer within " + TIMEOUT_SECONDS + " s (is the SLURM"
                        + " controller up? try: scontrol ping)");
            }
            String errText = new String(err.join(), StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                throw new SlurmException(name + " failed (exit " + p.exitValue() + "): "
                        + (errText.isEmpty() ? "(no message)" : errText));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new SlurmException(name + " was interrupted");
        }
    }

    private static byte[] readAll(java.io.InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /**
     * The batch script of a sweep's array: the {@code #SBATCH} options, the setup lines, then {@code command}
     * (gdln running point {@code $SLURM_ARRAY_TASK_ID}) in the background, so that the shell can forward SLURM's
     * early-warning signal (USR1, {@code --signal=B:USR1@N}) to it as SIGTERM: the run checkpoints and stops as on
     * Ctrl-C, and the script requeues the task when {@code requeue} is set. SIGTERM (scancel, preemption) reaches
     * every process of the task; the script waits for gdln's checkpoint before it ends.
     *
     * @param options the {@code #SBATCH} option bodies
     * @param logs    the log file pattern ({@code %A_%a.out})
     * @param workDir the working folder of the tasks
     * @param setup   shell lines run first
     * @param threads {@code OMP_NUM_THREADS}
     * @param command the command, one word per entry ({@code $SLURM_ARRAY_TASK_ID} is appended)
     * @param requeue whether a task stopped by the early-warning signal requeues itself
     */
    public String batchScript(List<String> options, Path logs, Path workDir, List<String> setup, int threads,
                              List<String> command, boolean requeue) {
        StringBuilder sb = new StringBuilder("#!/bin/bash\n");
        sb.append("# gdln sweep job array: one task per sweep point, written by gdln; resubmitted by\n");
        sb.append("# 'gdln sweep resubmit <sweep folder>'.\n");
        for (String o : options) {
            sb.append("#SBATCH ").append(o).append('\n');
        }
        sb.append("#SBATCH --output=").append(logs).append('\n');
        sb.append("#SBATCH --chdir=").append(workDir).append('\n');
        sb.append("#SBATCH --open-mode=append\n");
        sb.append("set -u\n");
        for (String s : setup) {
            sb.append(s).append('\n');
        }
        sb.append("export OMP_NUM_THREADS=").append(threads).append('\n');
        sb.append("echo \"gdln: task ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} on $(hostname) at $(date)\"\n");
        sb.append("early=0\n");
        sb.append("# gdln ignores USR1 (so that a signal sent to every process of the task does not kill the JVM)\n");
        sb.append("trap '' USR1\n");
        StringBuilder cmd = new StringBuilder();
        for (String w : command) {
            cmd.append(quote(w)).append(' ');
        }
        sb.append(cmd).append("\"$SLURM_ARRAY_TASK_ID\" &\n");
        sb.append("pid=$!\n");
        sb.append("trap 'early=1; kill -TERM \"$pid\" 2>/dev/null' USR1\n");
        sb.append("trap 'kill -TERM \"$pid\" 2>/dev/null' TERM\n");
        sb.append("# wait returns early when a signal arrives: wait again until gdln has ended\n");
        sb.append("while :; do wait \"$pid\"; rc=$?; kill -0 \"$pid\" 2>/dev/null || break; done\n");
        if (requeue) {
            sb.append("if [ \"$early\" = 1 ] && [ \"$rc\" != 0 ]; then\n");
            sb.append("  echo \"gdln: stopped before the time limit; requeueing\"\n");
            sb.append("  ").append(quote(command("scontrol")))
                    .append(" requeue \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"\n");
            sb.append("fi\n");
        }
        sb.append("exit \"$rc\"\n");
        return sb.toString();
    }

    /** A word quoted for bash. */
    static String quote(String w) {
        return w.matches("[A-Za-z0-9_./:=@%+,-]+") ? w : "'" + w.replace("'", "'\\''") + "'";
    }
}
