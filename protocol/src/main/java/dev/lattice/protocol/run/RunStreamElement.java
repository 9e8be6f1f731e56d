package dev.lattice.protocol.run;

/**
 * What a stream of a run carries: its persisted events and, for followers that want them, the live
 * text of its running steps.
 */
public sealed interface RunStreamElement permits RunEvent, StepDelta {}
