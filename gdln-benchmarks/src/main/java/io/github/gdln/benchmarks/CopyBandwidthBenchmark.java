package io.github.gdln.benchmarks;

import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Memory copy bandwidth, the denominator of the k-path step's memory-traffic bound. Each operation copies 256 MiB
 * (far beyond the caches) and so moves 512 MiB (read + write): bandwidth in GB/s = score (ops/s) * 0.537.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class CopyBandwidthBenchmark {
    /** Floats per buffer: 64 Mi floats = 256 MiB. */
    public static final int FLOATS = 64 << 20;

    private float[] src;
    private float[] dst;
    private INDArray nsrc;
    private INDArray ndst;

    /** Allocates and touches the buffers. */
    @Setup
    public void setUp() {
        src = new float[FLOATS];
        dst = new float[FLOATS];
        java.util.Arrays.fill(src, 1f);
        nsrc = Nd4j.rand(DataType.FLOAT, FLOATS);
        ndst = Nd4j.zeros(DataType.FLOAT, FLOATS);
    }

    /** Java heap copy (System.arraycopy). */
    @Benchmark
    public float[] javaArrayCopy() {
        System.arraycopy(src, 0, dst, 0, FLOATS);
        return dst;
    }

    /** Off-heap copy through ND4J (assign). */
    @Benchmark
    public INDArray nd4jAssign() {
        return ndst.assign(nsrc);
    }
}
