package io.github.gdln.cli.commands;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Creates run folders {@code <runs>/<experiment>/<yyyy-MM-dd_HH-mm-ss>}, adding {@code -2}, {@code -3} on clashes. */
final class RunFolders {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss");

    private RunFolders() {
    }

    static Path create(Path runs, String experiment) throws IOException {
        Path parent = runs.resolve(experiment);
        Files.createDirectories(parent);
        String stamp = LocalDateTime.now().format(STAMP);
        for (int i = 1; ; i++) {
            Path p = parent.resolve(i == 1 ? stamp : stamp + "-" + i);
            try {
                return Files.createDirectory(p);
            } catch (FileAlreadyExistsException e) {
                // try the next suffix
            }
        }
    }
}
