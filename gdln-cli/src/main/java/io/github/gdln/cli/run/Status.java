package io.github.gdln.cli.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The state of a run folder, kept in its {@code STATUS} file as {@code <state>[: <reason>]}. A folder is either
 * {@code completed}, or marked {@code running}, {@code failed} or {@code interrupted} with the reason; never
 * silently partial. (A folder left {@code running} by a killed process is reported as such by {@code resume}.)
 *
 * @param state  the state
 * @param reason why it failed or was interrupted, or empty
 */
public record Status(State state, String reason) {
    /** The file name. */
    public static final String FILE = "STATUS";

    /** Run states. */
    public enum State {
        RUNNING, COMPLETED, FAILED, INTERRUPTED;

        /** Lower-case name as written. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Writes {@code folder/STATUS} atomically. */
    public void write(Path folder) throws IOException {
        AtomicFiles.writeAtomically(folder.resolve(FILE), state.word() + (reason.isEmpty() ? "" : ": " + reason) + "\n");
    }

    /** Reads {@code folder/STATUS}. */
    public static Status read(Path folder) throws IOException {
        Path f = folder.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            throw new IOException(folder + " is not a gdln run folder (no " + FILE + " file)");
        }
        String s = Files.readString(f, StandardCharsets.UTF_8).strip();
        int colon = s.indexOf(':');
        String word = colon < 0 ? s : s.substring(0, colon);
        return new Status(State.valueOf(word.toUpperCase(Locale.ROOT)), colon < 0 ? "" : s.substring(colon + 1).strip());
    }
}
