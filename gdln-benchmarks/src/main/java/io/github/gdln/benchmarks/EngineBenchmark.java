package io.github.gdln.benchmarks;

import io.github.gdln.api.Context;
import io.github.gdln.api.Loss;
import io.github.gdln.core.InitSpec;
import io.github.gdln.core.Registry;
import io.github.gdln.core.Simulation;
import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.engine.Initializer;
import io.github.gdln.core.engine.Propagator;
import io.github.gdln.core.gating.OpenGating;
import io.github.gdln.core.graph.CompiledGraph;
import io.github.gdln.core.tasks.InMemoryTaskData;
import io.github.gdln.core.train.Measurer;
import io.github.gdln.core.train.Trajectory;
import io.github.gdln.core.util.Matrices;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
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
 * The generic engine (gdln-core's {@code Propagator}).
 * <ul>
 *   <li>{@code routingToyStep}: one full-batch gradient step (with a tiny learning rate, so the state stays put) of
 *       the routing toy (M = 7, K = 4, widths 64, float64): 28 trained pathways sharing 7 encoder units;
 *       score = steps/s.</li>
 *   <li>{@code routingToyMeasuredEpoch}: one epoch of {@code gdln run routing-toy} as the trainer runs it: the
 *       measurement (losses of all 49 pathways, 4 leading singular values of enc0, shared1 and dec0) whose forward pass
 *       also gives the gradient, then the update; score = epochs/s.</li>
 *   <li>{@code largeForwardBackward}: forward + backward of a chain x(1024) -> h(1024) -> y(1024) on a batch of
 *       4096 samples in float32: 5 gemms of 2·4096·1024² flops = 42.9 GFLOP per op; GFLOP/s = score · 42.9.</li>
 *   <li>{@code plainGemm}: one 4096 x 1024 x 1024 float32 gemm (8.59 GFLOP) in ND4J, the reference;
 *       GFLOP/s = score · 8.59.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class EngineBenchmark {
    private static final int BATCH = 4096;
    private static final int WIDTH = 1024;

    private Simulation toy;
    private Propagator toyPropagator;
    private INDArray toyGrad;
    private int[] toySamples;
    private Measurer toyMeasurer;

    private Propagator large;
    private GatedNetwork largeNet;
    private INDArray largeGrad;
    private int[] largeSamples;

    private INDArray a;
    private INDArray b;
    private INDArray c;

    /** Builds the three workloads. */
    @Setup
    public void setUp() {
        toy = Simulation.prepare(Registry.builtIn(), new Simulation.Setup("routing", Map.of(), "routing-toy",
                Map.of(), "routing", Map.of(), new InitSpec("orthogonal", 0.2), DataType.DOUBLE, 1));
        toyPropagator = new Propagator(toy.task(), DataType.DOUBLE);
        toyGrad = toy.network().newGradient();
        toySamples = IntStream.range(0, toy.task().data().sampleCount()).toArray();
        toyMeasurer = new Measurer(toy.task(), toyPropagator, List.of("enc0", "shared1", "dec0"), 4);

        SplittableRandom rng = new SplittableRandom(1);
        InMemoryTaskData data = new InMemoryTaskData(Map.of("x", Matrices.gaussian(rng, BATCH, WIDTH)),
                Map.of("y", Matrices.gaussian(rng, BATCH, WIDTH)), List.of(new Context("all", Map.of())),
                Loss.halfSquaredError());
        CompiledGraph graph = new CompiledGraph(Registry.builtIn().architecture("chain").build(
                Registry.builtIn().params(Registry.Kind.ARCHITECTURE, "chain",
                        Map.of("hidden-widths", List.of(WIDTH))), data));
        BoundTask task = new BoundTask(graph, data, new OpenGating().bind(null, graph.spec(), data, 0));
        largeNet = new GatedNetwork(graph, DataType.FLOAT);
        new Initializer.Xavier(1).initialize(largeNet, rng);
        large = new Propagator(task, DataType.FLOAT);
        largeGrad = largeNet.newGradient();
        largeSamples = IntStream.range(0, BATCH).toArray();

        a = Nd4j.rand(DataType.FLOAT, BATCH, WIDTH);
        b = Nd4j.rand(DataType.FLOAT, WIDTH, WIDTH);
        c = Nd4j.zeros(DataType.FLOAT, BATCH, WIDTH);
    }

    /** One full-batch gradient-descent step of the routing toy (the trainer's step: gradient, then one axpy). */
    @Benchmark
    public double routingToyStep() {
        toyGrad.assign(0);
        double loss = toyPropagator.objective(toy.network(), toySamples, toyGrad);
        Nd4j.getBlasWrapper().level1().axpy(toyGrad.length(), -1e-4, toyGrad, toy.network().parameters());
        return loss;
    }

    /** One measured full-batch epoch of the routing toy: measurement and gradient from one pass, then the update. */
    @Benchmark
    public Trajectory.Point routingToyMeasuredEpoch() {
        toyGrad.assign(0);
        Trajectory.Point p = toyMeasurer.measure(toy.network(), 0, toyGrad);
        Nd4j.getBlasWrapper().level1().axpy(toyGrad.length(), -1e-4, toyGrad, toy.network().parameters());
        return p;
    }

    /** Forward + backward on 4096 samples through two 1024 x 1024 edges. */
    @Benchmark
    public double largeForwardBackward() {
        largeGrad.assign(0);
        return large.objective(largeNet, largeSamples, largeGrad);
    }

    /** The reference gemm. */
    @Benchmark
    public INDArray plainGemm() {
        return Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
    }
}
