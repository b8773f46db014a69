package io.github.gdln.core.table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a numeric CSV file as rows: values separated by commas (or, on lines without commas, by white space); blank
 * lines and lines starting with {@code #} are skipped, and a first line that is not all numbers is a header. A
 * ragged row or a value that is not a number fails naming the file and line.
 */
public final class CsvFile {
    private CsvFile() {
    }

    /** The rows of {@code file}. */
    public static double[][] read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    /** The rows of {@code lines}; {@code name} is used in error messages. */
    static double[][] parse(List<String> lines, String name) {
        List<double[]> rows = new ArrayList<>();
        boolean first = true;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.contains(",") ? line.split(",", -1) : line.split("\\s+");
            double[] row = new double[fields.length];
            for (int c = 0; c < fields.length; c++) {
                try {
                    row[c] = Double.parseDouble(fields[c].strip());
                } catch (NumberFormatException e) {
                    if (first) {
                        row = null;
                        break;
                    }
                    throw new IllegalArgumentException(name + ":" + (i + 1) + ": value " + (c + 1) + " '"
                            + fields[c].strip() + "' is not a number");
                }
            }
            first = false;
            if (row == null) {
                continue; // the header
            }
            if (!rows.isEmpty() && row.length != rows.get(0).length) {
                throw new IllegalArgumentException(name + ":" + (i + 1) + ": a ragged row of " + row.length
                        + " values; the rows above have " + rows.get(0).length);
            }
            rows.add(row);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(name + " holds no rows of numbers");
        }
        return rows.toArray(new double[0][]);
    }
}
