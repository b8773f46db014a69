package io.github.gdln.cli.run;

import io.github.gdln.core.train.Trajectory;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A training checkpoint ({@code checkpoint.bin} in a run folder), written atomically: the last finished epoch, the
 * flat network parameters, the momentum buffer and every point measured so far, all as exact doubles. With the
 * trainer's per-epoch batching (a function of the root seed and the epoch only), resuming from it reproduces the
 * uninterrupted run exactly (full-batch and SGD; gradient flow restarts its adaptive step size).
 *
 * @param epoch      the last finished epoch
 * @param parameters the flat parameters
 * @param momentum   the momentum buffer (same length)
 * @param points     the measurements up to {@code epoch}
 */
public record Checkpoint(int epoch, double[] parameters, double[] momentum, List<Trajectory.Point> points) {
    /** The file name inside a run folder. */
    public static final String FILE = "checkpoint.bin";
    private static final long MAGIC = 0x47444c4e434b5031L; // "GDLNCKP1"

    public Checkpoint {
        parameters = parameters.clone();
        momentum = momentum.clone();
        points = List.copyOf(points);
    }

    /** Writes the checkpoint to {@code folder/checkpoint.bin} atomically. */
    public void write(Path folder) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(MAGIC);
            out.writeInt(epoch);
            doubles(out, parameters);
            doubles(out, momentum);
            out.writeInt(points.size());
            for (Trajectory.Point p : points) {
                out.writeDouble(p.epoch());
                out.writeDouble(p.loss());
                out.writeDouble(p.trainedLoss());
                opt(out, p.untrainedLoss());
                opt(out, p.trainedAccuracy());
                opt(out, p.untrainedAccuracy());
                doubles(out, p.contextLoss());
                out.writeInt(p.singularValues().size());
                for (Map.Entry<String, double[]> e : new java.util.TreeMap<>(p.singularValues()).entrySet()) {
                    out.writeUTF(e.getKey());
                    doubles(out, e.getValue());
                }
            }
        }
        AtomicFiles.writeAtomically(folder.resolve(FILE), bytes.toByteArray());
    }

    /** Reads {@code folder/checkpoint.bin}. */
    public static Checkpoint read(Path folder) throws IOException {
        try (InputStream raw = Files.newInputStream(folder.resolve(FILE));
             DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
            if (in.readLong() != MAGIC) {
                throw new IOException(folder.resolve(FILE) + " is not a gdln checkpoint");
            }
            int epoch = in.readInt();
            double[] params = doubles(in);
            double[] momentum = doubles(in);
            int n = in.readInt();
            List<Trajectory.Point> points = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                double e = in.readDouble();
                double loss = in.readDouble();
                double trained = in.readDouble();
                OptionalDouble untrained = opt(in);
                OptionalDouble ta = opt(in);
                OptionalDouble ua = opt(in);
                double[] ctx = doubles(in);
                int k = in.readInt();
                Map<String, double[]> sv = new LinkedHashMap<>();
                for (int j = 0; j < k; j++) {
                    sv.put(in.readUTF(), doubles(in));
                }
                points.add(new Trajectory.Point(e, loss, trained, untrained, ta, ua, ctx, sv));
            }
            return new Checkpoint(epoch, params, momentum, points);
        }
    }

    private static void doubles(DataOutputStream out, double[] d) throws IOException {
        out.writeInt(d.length);
        for (double x : d) {
            out.writeDouble(x);
        }
    }

    private static double[] doubles(DataInputStream in) throws IOException {
        double[] d = new double[in.readInt()];
        for (int i = 0; i < d.length; i++) {
            d[i] = in.readDouble();
        }
        return d;
    }

    private static void opt(DataOutputStream out, OptionalDouble d) throws IOException {
        out.writeBoolean(d.isPresent());
        out.writeDouble(d.orElse(0));
    }

    private static OptionalDouble opt(DataInputStream in) throws IOException {
        boolean present = in.readBoolean();
        double v = in.readDouble();
        return present ? OptionalDouble.of(v) : OptionalDouble.empty();
    }
}
