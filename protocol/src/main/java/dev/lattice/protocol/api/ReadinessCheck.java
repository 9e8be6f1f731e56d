package dev.lattice.protocol.api;

/**
 * One check of a node's readiness.
 *
 * @param name what was checked: {@code cluster}, {@code sharding} or {@code journal}
 * @param ok whether it passed
 * @param detail what was found, in a few words
 */
public record ReadinessCheck(String name, boolean ok, String detail) {}
