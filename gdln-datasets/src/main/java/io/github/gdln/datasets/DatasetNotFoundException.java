package io.github.gdln.datasets;

import java.io.IOException;

/**
 * A dataset folder or file is missing. The message names what is missing, where it was looked for, and how to get
 * the data (the {@code scripts/fetch-data} command or the download address).
 */
public class DatasetNotFoundException extends IOException {

    private static final long serialVersionUID = 1L;

    /** @param message what is missing, where it was looked for and how to get it */
    public DatasetNotFoundException(String message) {
        super(message);
    }
}
