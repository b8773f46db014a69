package io.github.gdln.cli.commands;

import io.github.gdln.cli.GdlnCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code gdln reproduce}. */
@Command(name = "reproduce", mixinStandardHelpOptions = true, description = "(not yet)")
public final class ReproduceCommand implements Callable<Integer> {
    @ParentCommand
    GdlnCommand parent;

    @Override
    public Integer call() {
        return 1;
    }
}
