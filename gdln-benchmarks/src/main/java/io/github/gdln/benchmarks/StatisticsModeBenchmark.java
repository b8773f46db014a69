package io.github.gdln.benchmarks;

import io.github.gdln.api.Context;
import io.github.gdln.api.Edge;
import io.github.gdln.api.Gates;
import io.github.gdln.api.GatingScheme;
import io.github.gdln.api.Graph;
import io.github.gdln.api.Loss;
import io.github.gdln.api.Node;
import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.engine.Propagator;
import io.github.gdln.core.graph.CompiledGraph;
import io.github.gdln.core.tasks.InMemoryTaskData;
import io.github.gdln.core.theory.StatisticsObjective;
import io.github.gdln.core.util.Matrices;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full-batch gradient evaluation (objective + gradient, float64) of a gated chain in(50) -> h(64) -> out(10)
 * on N random regression samples, two contexts (the hidden node open, and closed on half the samples):
 * {@code statistics} uses the path statistics built once in setup (cost independent of N), {@code samples} the
 * engine's backprop over all N samples. Compare statistics at N = 1,000 and 60,000 (flat) and samples vs statistics
 * at N = 60,000 (speed-up). Run: {@code java -jar gdln-benchmarks/target/benchmarks.jar StatisticsModeBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class StatisticsModeBenchmark {

    @Param({"1000", "60000"})
    public int samples;

    private GatedNetwork net;
    private Propagator propagator;
    private StatisticsObjective statistics;
    private int[] all;
    private INDArray grad;

    @Setup
    public void setup() {
        SplittableRandom rng = new SplittableRandom(42);
        CompiledGraph g = new CompiledGraph(new Graph(List.of(new Node("in", 50), new Node("h", 64),
                new Node("out", 10)), List.of(new Edge("w1", "in", "h"), new Edge("w2", "h", "out")),
                List.of("in"), List.of("out")));
        double[][] x = Matrices.gaussian(rng, samples, 50);
        double[][] y = Matrices.gaussian(rng, samples, 10);
        double[] half = new double[samples];
        for (int s = 0; s < samples; s += 2) {
            half[s] = 1;
        }
        InMemoryTaskData data = new InMemoryTaskData(Map.of("in", x), Map.of("out", y),
                List.of(new Context("open", Map.of()), new Context("half", Map.of())), Loss.halfSquaredError());
        List<Gates> gates = List.of(Gates.open(), new Gates(Map.of("h", half), Map.of()));
        BoundTask task = new BoundTask(g, data, new GatingScheme.Gating() {
            @Override
            public Gates gates(int context) {
                return gates.get(context);
            }

            @Override
            public boolean trained(int context) {
                return true;
            }
        });
        net = new GatedNetwork(g, DataType.DOUBLE);
        for (int e = 0; e < g.edgeCount(); e++) {
            net.setWeight(e, Matrices.gaussian(rng, g.width(g.target(e)), g.width(g.source(e))));
        }
        propagator = new Propagator(task, DataType.DOUBLE);
        statistics = StatisticsObjective.of(task);
        all = IntStream.range(0, samples).toArray();
        grad = net.newGradient();
    }

    @Benchmark
    public double statistics() {
        grad.assign(0);
        return statistics.objective(net, grad);
    }

    @Benchmark
    public double samples() {
        grad.assign(0);
        return propagator.objective(net, all, grad);
    }
}
