package io.github.gdln.core.table;

import io.github.gdln.api.Context;
import io.github.gdln.api.Loss;
import io.github.gdln.api.LossKind;
import io.github.gdln.api.ParamException;
import io.github.gdln.api.Params;
import io.github.gdln.api.Task;
import io.github.gdln.api.TaskData;
import io.github.gdln.core.tasks.InMemoryTaskData;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A task given as data ({@code task = table}): the inputs of each input node, the targets of each output node and
 * optional per-sample annotations (e.g. gate patterns), each written inline in HOCON or read from a CSV or NumPy
 * {@code .npy} file, plus the contexts and the loss.
 *
 * <pre>
 * task {
 *   name = table
 *   contexts = [all]                   # names, or objects with integer coordinates {name = "0-&gt;1", in = 0, out = 1}
 *   inputs = [{node = x, values = [[1, 1], [-1, -1]]}]         # or nodes = [a, b]: one array for several nodes
 *   targets = [{node = y, file = "y.npy"}]                     # .npy (float32/float64, C order) or .csv
 *   annotations = [{name = relu, file = "relu.csv"}]           # per-sample arrays a gating can read
 *   loss = squared-error               # or softmax-cross-entropy (one-hot target rows)
 *   loss-scale = 0.5                   # squared error: scale * ||y - h||^2
 *   mean-over-contexts = false         # sum (false) or average (true) over the trained contexts
 * }
 * </pre>
 * A relative file name is relative to the working directory here; the command line first makes it relative to the
 * configuration file that names it. Every array must have the same number of rows (samples); every error names the
 * array's key and the file and line it was written at.
 */
public final class TableTask implements Task {
    /** Loss names as written in configurations. */
    public static final Map<String, LossKind> LOSSES = Map.of("squared-error", LossKind.SQUARED_ERROR,
            "softmax-cross-entropy", LossKind.SOFTMAX_CROSS_ENTROPY);

    @Override
    public String name() {
        return "table";
    }

    @Override
    public String description() {
        return "a task given as data: inputs, targets and annotations inline or from .csv/.npy files";
    }

    /** The table is small and already in the configuration (or in files it names): previewing is loading. */
    @Override
    public Optional<TaskData> preview(Params params, long seed) {
        return Optional.of(load(params, seed));
    }

    @Override
    public TaskData load(Params p, long seed) {
        p.requireOnly(List.of("contexts", "inputs", "targets", "annotations", "loss", "loss-scale",
                "mean-over-contexts"));
        String lossName = p.getString("loss").toLowerCase(Locale.ROOT);
        LossKind kind = LOSSES.get(lossName);
        if (kind == null) {
            throw new ParamException(p.where(), "loss", lossName, "is not a loss; expected one of "
                    + String.join(", ", LOSSES.keySet()));
        }
        Loss loss = new Loss(kind, p.getDouble("loss-scale"), p.getBoolean("mean-over-contexts"));
        Rows rows = new Rows();
        Map<String, double[][]> inputs = nodeArrays(p, "inputs", rows, false);
        Map<String, double[][]> targets = nodeArrays(p, "targets", rows,
                kind == LossKind.SOFTMAX_CROSS_ENTROPY);
        Map<String, double[][]> annotations = new LinkedHashMap<>();
        for (Params a : p.getParamsList("annotations")) {
            a.requireOnly(List.of("name", "values", "file"));
            String name = a.getString("name");
            if (annotations.containsKey(name) || inputs.containsKey(name)) {
                throw new IllegalArgumentException(a.where() + ": annotation '" + name + "' is defined twice (or is "
                        + "also an input node's name)");
            }
            annotations.put(name, rows.check(a, array(a)));
        }
        if (inputs.isEmpty() || targets.isEmpty()) {
            throw new IllegalArgumentException(p.where() + ": needs at least one input array and one target "
                    + "array; it has " + inputs.size() + " and " + targets.size());
        }
        return new InMemoryTaskData(inputs, targets, annotations, contexts(p), loss);
    }

    /**
     * The arrays of {@code key} ({@code inputs} or {@code targets}) by node name; with {@code probabilities}, each
     * row must be a probability row (one-hot targets of softmax cross-entropy).
     */
    private static Map<String, double[][]> nodeArrays(Params p, String key, Rows rows, boolean probabilities) {
        Map<String, double[][]> out = new LinkedHashMap<>();
        for (Params a : p.getParamsList(key)) {
            a.requireOnly(List.of("node", "nodes", "values", "file"));
            List<String> nodes;
            if (a.has("node") == a.has("nodes")) {
                throw new IllegalArgumentException(a.where() + ": give either node = NAME or nodes = [NAMES]");
            }
            nodes = a.has("node") ? List.of(a.getString("node")) : a.getStringList("nodes");
            double[][] values = rows.check(a, array(a));
            if (probabilities) {
                checkProbabilities(a, values);
            }
            for (String node : nodes) {
                if (out.put(node, values) != null) {
                    throw new IllegalArgumentException(a.where() + ": node '" + node + "' has a second array in "
                            + p.owner() + "." + key);
                }
            }
        }
        return out;
    }

    /** The array of one block: {@code values = [[...], ...]} (or a flat list: one column) or {@code file = ...}. */
    static double[][] array(Params a) {
        if (a.has("values") == a.has("file")) {
            throw new IllegalArgumentException(a.where() + ": give either values = [[...], ...] or file = "
                    + "\"data.npy\" (or .csv)");
        }
        if (a.has("file")) {
            Path file = Path.of(a.getString("file"));
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            try {
                if (name.endsWith(".npy")) {
                    return NpyFile.read(file);
                }
                if (name.endsWith(".csv") || name.endsWith(".txt")) {
                    return CsvFile.read(file);
                }
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException(a.where() + ": no such file " + file);
            } catch (IOException e) {
                throw new IllegalArgumentException(a.where() + ": cannot read " + file + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(a.where() + ": " + e.getMessage());
            }
            throw new IllegalArgumentException(a.where() + ": file " + file + " is neither .npy nor .csv");
        }
        return inline(a);
    }

    private static double[][] inline(Params a) {
        if (!(a.get("values") instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException(a.where() + ": values must be a non-empty list of rows [[...], ...] "
                    + "or of numbers (one column)");
        }
        double[][] out = new double[list.size()][];
        for (int r = 0; r < list.size(); r++) {
            Object row = list.get(r);
            List<?> cells = row instanceof List<?> l ? l : List.of(row);
            out[r] = new double[cells.size()];
            for (int c = 0; c < cells.size(); c++) {
                if (!(cells.get(c) instanceof Number n)) {
                    throw new IllegalArgumentException(a.where() + ": values row " + r + " entry " + c + " = "
                            + cells.get(c) + " is not a number");
                }
                out[r][c] = n.doubleValue();
            }
            if (out[r].length == 0 || out[r].length != out[0].length) {
                throw new IllegalArgumentException(a.where() + ": values is a ragged array: row " + r + " has "
                        + out[r].length + " entries, row 0 has " + out[0].length);
            }
        }
        return out;
    }

    private static void checkProbabilities(Params a, double[][] y) {
        for (int r = 0; r < y.length; r++) {
            double sum = 0;
            for (double v : y[r]) {
                sum += v >= 0 ? v : Double.NaN;
            }
            if (!(Math.abs(sum - 1) < 1e-9)) {
                throw new IllegalArgumentException(a.where() + ": row " + r + " is not a probability row (e.g. "
                        + "one-hot), as the targets of softmax-cross-entropy must be");
            }
        }
    }

    private static List<Context> contexts(Params p) {
        List<Context> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        if (!(p.get("contexts") instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException(p.where() + ": contexts must be a non-empty list of names or of "
                    + "objects {name = ..., <coordinate> = <integer>}");
        }
        for (int i = 0; i < list.size(); i++) {
            Context c;
            if (list.get(i) instanceof String || list.get(i) instanceof Number) {
                c = new Context(list.get(i).toString(), Map.of());
            } else {
                Params cp = block(p, "contexts[" + i + "]", list.get(i));
                Map<String, Integer> coordinates = new LinkedHashMap<>();
                for (String k : cp.keys()) {
                    if (!k.equals("name")) {
                        coordinates.put(k, cp.getInt(k));
                    }
                }
                c = new Context(cp.getString("name"), coordinates);
            }
            if (!names.add(c.name())) {
                throw new IllegalArgumentException(p.where() + ": context '" + c.name() + "' is listed twice");
            }
            out.add(c);
        }
        return out;
    }

    /** A list element that must be an object, as a block named {@code name} under {@code p}. */
    @SuppressWarnings("unchecked")
    private static Params block(Params p, String name, Object element) {
        if (element instanceof Params b) {
            return b;
        }
        if (element instanceof Map<?, ?> m) {
            return new Params(p.owner() + "." + name, (Map<String, Object>) m, p.origin());
        }
        throw new IllegalArgumentException(p.where() + ": " + name + " = " + element + " is not a name or an "
                + "object {name = ..., <coordinate> = <integer>}");
    }

    /** Checks every array has the same number of rows as the first. */
    private static final class Rows {
        private int n = -1;
        private String first;

        double[][] check(Params a, double[][] values) {
            if (n < 0) {
                n = values.length;
                first = a.where();
            } else if (values.length != n) {
                throw new IllegalArgumentException(a.where() + ": has " + values.length + " rows (samples); "
                        + first + " has " + n);
            }
            return values;
        }
    }
}
