package io.github.gdln.cli.run;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** A run's log file ({@code run.log}), with optional echo of each line to the console. */
public final class RunLog implements AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private final Writer out;
    private final PrintStream echo;
    private final String prefix;

    /**
     * @param file   the log file (appended to)
     * @param echo   where to echo lines, or null
     * @param prefix prefix of echoed lines (e.g. the sweep point), may be empty
     */
    public RunLog(Path file, PrintStream echo, String prefix) throws IOException {
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        this.echo = echo;
        this.prefix = prefix;
    }

    /** Logs a line to the file and, if enabled, the console. */
    public synchronized void info(String line) {
        fileOnly(line);
        if (echo != null) {
            echo.println(prefix + line);
        }
    }

    /** Logs a line to the file only. */
    public synchronized void fileOnly(String line) {
        try {
            out.write(LocalTime.now().format(TIME) + " " + line + System.lineSeparator());
            out.flush();
        } catch (IOException e) {
            // the log is best effort; the run's results live in its other files
        }
    }

    /** Logs an exception's stack trace to the file. */
    public void trace(Throwable t) {
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        fileOnly(sw.toString());
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
