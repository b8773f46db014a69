/**
 * gdln-core: the engine and the theory of gated deep linear networks.
 *
 * <p>The API for library users, kept stable: {@link io.github.gdln.core.Gdln} (the front door: network, data,
 * contexts, training, the theory's prediction and the comparison, without ND4J types), {@link
 * io.github.gdln.core.Simulation} and {@link io.github.gdln.core.Registry} (registered and plugin components by name),
 * {@link io.github.gdln.core.InitSpec}, {@code train.Trajectory}, {@code train.TrainerSettings} and
 * {@code theory.TrajectoryComparison}; the component SPI is in gdln-api. The packages {@code engine}, {@code graph},
 * {@code kpath}, {@code tasks}, {@code gating}, {@code arch} and {@code util} are the implementation: public so that
 * gdln's own modules, tests and benchmarks can reach them, but free to change between versions.
 */
package io.github.gdln.core;
