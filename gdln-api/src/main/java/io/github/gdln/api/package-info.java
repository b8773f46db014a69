/**
 * The gdln service-provider interfaces and the small value types they exchange.
 *
 * <p>A gated deep linear network (GDLN) is a {@link io.github.gdln.api.Graph graph} of linear layers. An
 * {@link io.github.gdln.api.Architecture} builds the graph, a {@link io.github.gdln.api.Task} supplies the data
 * (inputs per input node, targets per output node, and a set of {@link io.github.gdln.api.Context contexts}) and a
 * {@link io.github.gdln.api.GatingScheme} turns each context into {@link io.github.gdln.api.Gates gates} on nodes
 * and edges and says whether the context is trained. This module depends on the JDK only, so plugins and other
 * engines can implement it without pulling in gdln's numerics.
 */
package io.github.gdln.api;
