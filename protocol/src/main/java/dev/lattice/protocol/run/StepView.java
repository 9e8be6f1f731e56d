package dev.lattice.protocol.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.plan.StepKind;
import java.time.Instant;
import java.util.List;

/**
 * One step as shown in a run's state.
 *
 * @param id the step id
 * @param kind the step kind
 * @param status the lifecycle status
 * @param dependsOn the step's dependencies
 * @param attempts attempts started so far
 * @param agentId the agent that ran the latest attempt, if any
 * @param output the output, once succeeded
 * @param error the latest error, if any
 * @param usage usage summed over all attempts
 * @param signal while waiting: the signal the step waits for, if any
 * @param waitUntil while waiting: when its timer fires (for a signal: when it gives up), if ever
 * @param retryAt while waiting to retry: when the next attempt is dispatched
 * @param childRunId a run step: the child run of its latest attempt
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepView(
    String id,
    StepKind kind,
    StepStatus status,
    List<String> dependsOn,
    int attempts,
    String agentId,
    JsonNode output,
    StepError error,
    Usage usage,
    String signal,
    Instant waitUntil,
    Instant retryAt,
    String childRunId) {

  /** A step that starts no child run. */
  public StepView(
      String id,
      StepKind kind,
      StepStatus status,
      List<String> dependsOn,
      int attempts,
      String agentId,
      JsonNode output,
      StepError error,
      Usage usage,
      String signal,
      Instant waitUntil,
      Instant retryAt) {
    this(
        id, kind, status, dependsOn, attempts, agentId, output, error, usage, signal, waitUntil,
        retryAt, null);
  }
}
