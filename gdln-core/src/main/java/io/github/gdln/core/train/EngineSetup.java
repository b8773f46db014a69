package io.github.gdln.core.train;

import io.github.gdln.api.Params;
import io.github.gdln.core.Simulation;

/**
 * What an engine is asked to train: a prepared simulation (task loaded, graph compiled, gates bound, network
 * initialised; its network holds the starting parameters), the trainer settings and the engine options.
 *
 * @param simulation the prepared simulation
 * @param trainer    method, epochs, batch size, learning rate, momentum, measurements
 * @param options    engine options (for example {@code eval-train-samples}, {@code eval-test-samples}: samples
 *                   measured per epoch, 0 = all); engines ignore options they do not know
 */
public record EngineSetup(Simulation simulation, TrainerSettings trainer, Params options) {
}
