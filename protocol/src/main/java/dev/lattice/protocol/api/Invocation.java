package dev.lattice.protocol.api;

import dev.lattice.protocol.ids.RunId;

/**
 * A direct invocation that has started: its run, and the capability its one step asks for.
 *
 * @param runId the run
 * @param stepId the id of its one step
 * @param capability the capability
 * @param created false when an idempotency key named a run that already existed
 */
public record Invocation(RunId runId, String stepId, String capability, boolean created) {}
