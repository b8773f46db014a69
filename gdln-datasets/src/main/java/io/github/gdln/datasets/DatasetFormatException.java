package io.github.gdln.datasets;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A dataset file exists but its content is malformed: bad magic number, wrong dimension count, declared sizes that
 * do not match the byte count, labels out of range, and so on. The message starts with the file and says what was
 * found and what was expected.
 */
public class DatasetFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The file at fault. */
    private final transient Path file;

    /**
     * @param file   the file at fault
     * @param detail what is wrong: the value found and what was expected
     */
    public DatasetFormatException(Path file, String detail) {
        super(file + ": " + detail);
        this.file = file;
    }

    /**
     * @param file   the file at fault
     * @param detail what is wrong
     * @param cause  the low-level error (e.g. a corrupt gzip stream)
     */
    public DatasetFormatException(Path file, String detail, Throwable cause) {
        super(file + ": " + detail, cause);
        this.file = file;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }
}
