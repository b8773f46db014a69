package io.github.gdln.datasets;

import java.util.Arrays;
import java.util.Objects;

/**
 * Rotation of rows x cols images (channels planes, channel-major as in {@link ImageDataset}) about the image centre
 * by a fixed angle, with zero fill outside the source image: the input domain {@code rotate_input} of docs/theory.md
 * §4.1.
 *
 * <p>Direction: a positive angle turns the image <b>counter-clockwise</b> as it is displayed (row 0 at the top), as
 * torchvision's {@code rotate}. For 90 degrees on a square n x n image, {@code out[r][c] = in[c][n-1-r]}. The centre
 * is ((rows-1)/2, (cols-1)/2) in pixel indices, so multiples of 90 degrees are exact index maps when rows and cols
 * have the same parity (always for square images) and interpolate by half a pixel otherwise.
 *
 * <p>The rotation is a linear map of the pixels, stored sparse and built once: each output pixel of a plane is a
 * weighted sum of at most 4 source pixels (bilinear) or 1 (nearest). Weights of one output pixel sum to 1 inside the
 * image and to less near the borders, where the missing neighbours count as zero. Applying it to a row costs
 * O(4 x features). The reference uses torchvision's default, nearest-neighbour interpolation; bilinear (the default
 * here) is smoother and is what gdln's experiments use unless configured otherwise.
 */
public final class Rotation {

    /** How source pixels between grid points are interpolated. */
    public enum Interpolation {
        /** The 4 neighbouring pixels, weighted bilinearly. */
        BILINEAR,
        /** The nearest pixel (torchvision's default for {@code rotate}). */
        NEAREST
    }

    private static final double EPS = 1e-9;

    private final double degrees;
    private final int rows;
    private final int cols;
    private final int channels;
    /**
     * Source pixels per output pixel, the same for every pixel: {@code source[p*taps + j]}, {@code weight[p*taps + j]}
     * (pixels with fewer sources are padded with weight 0, which adds exactly +0.0 to a sum of finite pixels, so the
     * sums are those of the sparse map). With 4 (bilinear) the float path runs the taps unrolled: about 1 µs per 28 x 28
     * image on one thread ({@code KernelBenchmark.rotateStep} in gdln-benchmarks).
     */
    private final int taps;
    private final int[] source;
    private final double[] weight;
    private final int stored;

    private Rotation(double degrees, int rows, int cols, int channels, int[] start, int[] source, double[] weight) {
        this.degrees = degrees;
        this.rows = rows;
        this.cols = cols;
        this.channels = channels;
        int plane = rows * cols;
        int most = 1;
        for (int p = 0; p < plane; p++) {
            most = Math.max(most, start[p + 1] - start[p]);
        }
        this.taps = most;
        this.source = new int[plane * most];
        this.weight = new double[plane * most];
        for (int p = 0; p < plane; p++) {
            for (int e = start[p]; e < start[p + 1]; e++) {
                this.source[p * most + e - start[p]] = source[e];
                this.weight[p * most + e - start[p]] = weight[e];
            }
        }
        this.stored = source.length;
    }

    /** Bilinear rotation by {@code degrees} (counter-clockwise). */
    public static Rotation of(double degrees, int rows, int cols, int channels) {
        return of(degrees, rows, cols, channels, Interpolation.BILINEAR);
    }

    /**
     * Rotation by {@code degrees} (counter-clockwise) with the given interpolation.
     *
     * @throws IllegalArgumentException if a size is not positive or the angle is not finite
     */
    public static Rotation of(double degrees, int rows, int cols, int channels, Interpolation interpolation) {
        Objects.requireNonNull(interpolation, "interpolation");
        if (!Double.isFinite(degrees)) {
            throw new IllegalArgumentException("rotation angle must be finite, got " + degrees);
        }
        if (rows <= 0 || cols <= 0 || channels <= 0) {
            throw new IllegalArgumentException("image sizes must be positive, got rows=" + rows + ", cols=" + cols
                    + ", channels=" + channels);
        }
        return new Builder(degrees, rows, cols, interpolation).build(channels);
    }

    /**
     * The rotation of input domain {@code i} of {@code m}: {@code 270 * i / m} degrees (docs/theory.md §4.1), bilinear.
     *
     * @throws IllegalArgumentException unless 0 &lt;= i &lt; m
     */
    public static Rotation forDomain(int i, int m, int rows, int cols, int channels) {
        if (m < 1 || i < 0 || i >= m) {
            throw new IllegalArgumentException("domain index i=" + i + " out of range 0..m-1 for m=" + m);
        }
        return of(270.0 * i / m, rows, cols, channels);
    }

    /** The angle in degrees, counter-clockwise. */
    public double degrees() {
        return degrees;
    }

    /** Image height. */
    public int rows() {
        return rows;
    }

    /** Image width. */
    public int cols() {
        return cols;
    }

    /** Number of channels (each rotated alike). */
    public int channels() {
        return channels;
    }

    /** Values per image: channels x rows x cols. */
    public int features() {
        return channels * rows * cols;
    }

    /** Number of stored (source, weight) pairs for one plane. */
    public int nonZerosPerPlane() {
        return stored;
    }

    /** Rotates one image: {@code out[outOff ..]} from {@code in[inOff ..]}; {@code in} and {@code out} must differ. */
    public void apply(float[] in, int inOff, float[] out, int outOff) {
        int n = features();
        Objects.checkFromIndexSize(inOff, n, in.length);
        Objects.checkFromIndexSize(outOff, n, out.length);
        int plane = rows * cols;
        for (int c = 0; c < channels; c++) {
            int ib = inOff + c * plane;
            int ob = outOff + c * plane;
            if (taps == 4) {
                for (int p = 0, e = 0; p < plane; p++, e += 4) {
                    double s = 0;
                    s += weight[e] * in[ib + source[e]];
                    s += weight[e + 1] * in[ib + source[e + 1]];
                    s += weight[e + 2] * in[ib + source[e + 2]];
                    s += weight[e + 3] * in[ib + source[e + 3]];
                    out[ob + p] = (float) s;
                }
                continue;
            }
            for (int p = 0; p < plane; p++) {
                double s = 0;
                for (int e = p * taps; e < (p + 1) * taps; e++) {
                    s += weight[e] * in[ib + source[e]];
                }
                out[ob + p] = (float) s;
            }
        }
    }

    /** Rotates one image of doubles; see {@link #apply(float[], int, float[], int)}. */
    public void apply(double[] in, int inOff, double[] out, int outOff) {
        int n = features();
        Objects.checkFromIndexSize(inOff, n, in.length);
        Objects.checkFromIndexSize(outOff, n, out.length);
        int plane = rows * cols;
        for (int c = 0; c < channels; c++) {
            int ib = inOff + c * plane;
            int ob = outOff + c * plane;
            for (int p = 0; p < plane; p++) {
                double s = 0;
                for (int e = p * taps; e < (p + 1) * taps; e++) {
                    s += weight[e] * in[ib + source[e]];
                }
                out[ob + p] = s;
            }
        }
    }

    /** Rotates a batch of {@code batch} row-major images (each {@link #features()} long). */
    public void applyBatch(float[] in, float[] out, int batch) {
        int n = features();
        for (int b = 0; b < batch; b++) {
            apply(in, b * n, out, b * n);
        }
    }

    /** Rotates a whole image and returns the result. */
    public float[] apply(float[] in) {
        if (in.length != features()) {
            throw new IllegalArgumentException("image has " + in.length + " values, rotation expects channels x rows"
                    + " x cols = " + channels + " x " + rows + " x " + cols + " = " + features());
        }
        float[] out = new float[in.length];
        apply(in, 0, out, 0);
        return out;
    }

    /**
     * The map of one plane as a dense rows*cols x rows*cols matrix, row-major: {@code out = R in}. For engines that
     * fold the rotation into encoder weights (a rotation is linear but, with interpolation, not orthogonal).
     */
    public double[] planeMatrix() {
        int plane = rows * cols;
        double[] m = new double[plane * plane];
        for (int p = 0; p < plane; p++) {
            for (int e = p * taps; e < (p + 1) * taps; e++) {
                m[p * plane + source[e]] += weight[e];
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return "Rotation[" + degrees + " deg, " + channels + "x" + rows + "x" + cols + "]";
    }

    /** Builds the sparse map of one plane. */
    private static final class Builder {
        private final double degrees;
        private final int rows;
        private final int cols;
        private final Interpolation interpolation;
        private final int[] start;
        private int[] source;
        private double[] weight;
        private int size;

        Builder(double degrees, int rows, int cols, Interpolation interpolation) {
            this.degrees = degrees;
            this.rows = rows;
            this.cols = cols;
            this.interpolation = interpolation;
            this.start = new int[rows * cols + 1];
            this.source = new int[4 * rows * cols];
            this.weight = new double[4 * rows * cols];
        }

        Rotation build(int channels) {
            double cos = snap(Math.cos(Math.toRadians(degrees)));
            double sin = snap(Math.sin(Math.toRadians(degrees)));
            double cy = (rows - 1) / 2.0;
            double cx = (cols - 1) / 2.0;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    // Display coordinates (x right, y up); the output point p comes from R(-angle) p.
                    double px = c - cx;
                    double py = cy - r;
                    double sx = cos * px + sin * py;
                    double sy = -sin * px + cos * py;
                    addSource(snap(cy - sy), snap(cx + sx));
                    start[r * cols + c + 1] = size;
                }
            }
            return new Rotation(degrees, rows, cols, channels, start, Arrays.copyOf(source, size),
                    Arrays.copyOf(weight, size));
        }

        private void addSource(double sr, double sc) {
            if (interpolation == Interpolation.NEAREST) {
                add((int) Math.round(sr), (int) Math.round(sc), 1.0);
                return;
            }
            int r0 = (int) Math.floor(sr);
            int c0 = (int) Math.floor(sc);
            double fr = sr - r0;
            double fc = sc - c0;
            add(r0, c0, (1 - fr) * (1 - fc));
            add(r0, c0 + 1, (1 - fr) * fc);
            add(r0 + 1, c0, fr * (1 - fc));
            add(r0 + 1, c0 + 1, fr * fc);
        }

        private void add(int r, int c, double w) {
            if (r < 0 || r >= rows || c < 0 || c >= cols || w <= EPS) {
                return;
            }
            source[size] = r * cols + c;
            weight[size] = w;
            size++;
        }

        /** Rounds values within 1e-9 of an integer, so that multiples of 90 degrees are exact index maps. */
        private static double snap(double v) {
            double r = Math.rint(v);
            return Math.abs(v - r) < EPS ? r : v;
        }
    }
}
