package dev.lattice.protocol.agent;

import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.RunId;

/**
 * The result of one attempt, as a worker agent reports it.
 *
 * @param runId the run
 * @param stepId the step
 * @param attempt the attempt number
 * @param idempotencyKey the attempt's idempotency key
 * @param agentId the agent that produced it
 * @param outcome output or error, with usage
 */
public record AssignmentResult(
    RunId runId,
    String stepId,
    int attempt,
    String idempotencyKey,
    AgentId agentId,
    StepOutcome outcome)
    implements CborSerializable {

  public static AssignmentResult of(Assignment assignment, AgentId agentId, StepOutcome outcome) {
    return new AssignmentResult(
        assignment.runId(),
        assignment.stepId(),
        assignment.attempt(),
        assignment.idempotencyKey(),
        agentId,
        outcome);
  }
}
