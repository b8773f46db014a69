package io.github.gdln.core.train;

import io.github.gdln.core.Simulation;
import io.github.gdln.core.engine.GatedNetwork;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@code generic} engine: any graph, gating, loss and trainer method, with gdln-core's {@link Trainer} (gated
 * forward and backward over the compiled graph, or the path-statistics gradient). The reference every other engine
 * must agree with; its state is the network's flat parameters and the momentum buffer.
 */
public final class GenericEngine implements TrainingEngine {
    @Override
    public String name() {
        return "generic";
    }

    @Override
    public String description() {
        return "any graph, gating, loss and trainer method (gated forward/backward over the compiled graph)";
    }

    @Override
    public List<String> cannotTrain(EngineSetup setup) {
        return List.of();
    }

    @Override
    public int speedRank() {
        return 0;
    }

    @Override
    public EngineRun start(EngineSetup setup) {
        Simulation sim = setup.simulation();
        Trainer.Session session = new Trainer(setup.trainer()).start(sim.network(), sim.task(), sim.setup().seed());
        return new Run(session, setup.trainer());
    }

    private record Run(Trainer.Session session, TrainerSettings trainer) implements EngineRun {
        @Override
        public String summary() {
            GatedNetwork net = session.network();
            return String.format(Locale.ROOT, "engine: generic (%s, %d parameters, %s)",
                    trainer.method().name().toLowerCase(Locale.ROOT).replace('_', '-'), net.parameters().length(),
                    net.dataType() == DataType.FLOAT ? "float32" : "float64");
        }

        @Override
        public int epoch() {
            return session.epoch();
        }

        @Override
        public void trainEpoch() {
            session.trainEpoch();
        }

        @Override
        public Trajectory.Point measure() {
            return session.measure();
        }

        @Override
        public List<String> extraMeasures() {
            return List.of();
        }

        @Override
        public void copyToNetwork() {
            // the session trains the setup's network in place
        }

        @Override
        public EngineState state() {
            return new EngineState(session.epoch(), doubles(session.network().parameters()),
                    doubles(session.momentum()));
        }

        @Override
        public void restore(EngineState state) {
            GatedNetwork net = session.network();
            if (state.parameters().length != net.parameters().length()) {
                throw new IllegalArgumentException("the checkpoint holds " + state.parameters().length
                        + " parameters but the network has " + net.parameters().length());
            }
            net.parameters().assign(vector(state.parameters(), net.dataType()));
            session.restore(state.epoch(), vector(state.momentum(), net.dataType()));
        }

        private static double[] doubles(INDArray a) {
            return a.castTo(DataType.DOUBLE).toDoubleVector();
        }

        private static INDArray vector(double[] values, DataType type) {
            return Nd4j.create(values, new long[] {1, values.length}, DataType.DOUBLE).castTo(type);
        }
    }
}
