package io.github.gdln.core.theory;

/**
 * One scalar of the reduced system (docs/theory.md §2.2): the strength b_e^{α→β} with which edge e maps mode α of its
 * source node onto mode β of its target node, W_e f_α = b f_β.
 *
 * @param edge       edge index
 * @param edgeName   edge name
 * @param sourceMode mode index α at s(e)
 * @param targetMode mode index β at t(e)
 * @param initial    b at the start
 */
public record ScalarEdge(int edge, String edgeName, int sourceMode, int targetMode, double initial) {
}
