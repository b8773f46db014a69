package io.github.gdln.cli.commands;

import io.github.gdln.cli.App;
import io.github.gdln.cli.GdlnCommand;
import io.github.gdln.cli.Main;
import io.github.gdln.cli.config.Assignment;
import io.github.gdln.cli.config.RunConfig;
import io.github.gdln.cli.run.Checkpoint;
import io.github.gdln.cli.run.RunExecutor;
import io.github.gdln.cli.run.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gdln resume}: continues an interrupted run from its checkpoint, in the same folder. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Continues an interrupted (or killed) run from its checkpoint, in the same folder.",
                "Full-batch and SGD runs end with exactly the metrics of an uninterrupted run."})
public final class ResumeCommand implements Callable<Integer> {
    @ParentCommand
    GdlnCommand parent;

    @Parameters(paramLabel = "RUN-FOLDER", description = "the run folder (runs/<experiment>/<date-time>[/<point>])")
    Path folder;

    @Option(names = {"-q", "--quiet"}, description = "no progress output")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        App app = parent.app();
        Status status = readStatus(folder);
        if (status.state() == Status.State.COMPLETED) {
            app.out().println(folder + " is already complete; nothing to resume");
            return Main.OK;
        }
        if (!Files.isRegularFile(folder.resolve(Checkpoint.FILE))) {
            app.err().println("gdln resume: " + folder + " has no checkpoint (status: " + status.state().word()
                    + (status.reason().isEmpty() ? "" : ", " + status.reason()) + "); run it again with: gdln"
                    + " reproduce " + folder);
            return Main.FAILURE;
        }
        RunConfig config = RunFolderConfig.read(app, folder, List.of(Assignment.parse("trainer.stop-after-epoch=0")));
        Checkpoint checkpoint = Checkpoint.read(folder);
        app.interrupts().installHook(120_000);
        try {
            RunExecutor.Outcome o = new RunExecutor(app).resume(config, folder, new RunExecutor.Options(
                    quiet ? null : app.out(), quiet ? null : app.err(), ""), checkpoint);
            Summaries.print(app.out(), o);
            return o.status().state() == Status.State.COMPLETED ? Main.OK : Main.FAILURE;
        } finally {
            app.interrupts().removeHook();
        }
    }

    static Status readStatus(Path folder) {
        try {
            return Status.read(folder);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        }
    }
}
