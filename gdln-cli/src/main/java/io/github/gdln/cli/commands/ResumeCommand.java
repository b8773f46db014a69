package io.github.gdln.cli.commands;

import io.github.gdln.cli.GdlnCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code gdln resume}. */
@Command(name = "resume", mixinStandardHelpOptions = true, description = "(not yet)")
public final class ResumeCommand implements Callable<Integer> {
    @ParentCommand
    GdlnCommand parent;

    @Override
    public Integer call() {
        return 1;
    }
}
