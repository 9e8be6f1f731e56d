package dev.lattice.orchestrator.run.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.run.StepStatus;
import java.time.Instant;

/**
 * One step's state within a run. Immutable; every change returns a copy and is checked against the
 * step lifecycle.
 *
 * @param id the step id
 * @param status the lifecycle status
 * @param attempt the latest attempt number, 0 before the first
 * @param agentId the agent running or that ran the latest attempt
 * @param startedAt when an agent took the latest attempt, if known
 * @param output the output, once succeeded
 * @param error the latest error
 * @param usage usage summed over all attempts
 * @param retryDueAt when the next attempt is due, while in retry_wait
 * @param changedAt when the status last changed
 * @param waitUntil when a waiting step's timer fires (or its signal times out), while waiting
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepState(
    String id,
    StepStatus status,
    int attempt,
    AgentId agentId,
    Instant startedAt,
    JsonNode output,
    StepError error,
    Usage usage,
    Instant retryDueAt,
    Instant changedAt,
    Instant waitUntil)
    implements CborSerializable {

  public static StepState pending(String id) {
    return new StepState(
        id, StepStatus.PENDING, 0, null, null, null, null, Usage.NONE, null, null, null);
  }

  private StepState to(StepStatus next, Instant at) {
    return new StepState(
        id,
        StepLifecycle.transition(id, status, next),
        attempt,
        agentId,
        startedAt,
        output,
        error,
        usage,
        retryDueAt,
        at,
        null);
  }

  /** Attempt {@code number} handed to a dispatcher; from pending or retry_wait via ready. */
  StepState dispatched(int number, Instant at) {
    StepState ready = to(StepStatus.READY, at).to(StepStatus.DISPATCHED, at);
    return new StepState(id, ready.status, number, null, null, null, error, usage, null, at, null);
  }

  StepState started(AgentId agent, Instant at) {
    StepState running = to(StepStatus.RUNNING, at);
    return new StepState(
        id, running.status, attempt, agent, at, null, error, usage, null, at, null);
  }

  /** The attempt's outcome: agent steps pass through running, inline steps through ready. */
  private StepState settling(AgentId agent, StepStatus end, Instant at) {
    if (status == StepStatus.PENDING) {
      return to(StepStatus.READY, at);
    }
    // An agent's outcome, or a success of any kind (a child run's has no agent), means it ran.
    if (status == StepStatus.DISPATCHED && (agent != null || end == StepStatus.SUCCEEDED)) {
      return to(StepStatus.RUNNING, at);
    }
    return this;
  }

  StepState succeeded(
      int ofAttempt, AgentId agent, Instant started, JsonNode result, Usage used, Instant at) {
    return ended(StepStatus.SUCCEEDED, ofAttempt, agent, started, result, null, used, at);
  }

  StepState failed(
      int ofAttempt, AgentId agent, Instant started, StepError failure, Usage used, Instant at) {
    return ended(StepStatus.FAILED, ofAttempt, agent, started, null, failure, used, at);
  }

  /** The step settled as {@code end} by its attempt {@code ofAttempt}, with its output or error. */
  private StepState ended(
      StepStatus end,
      int ofAttempt,
      AgentId agent,
      Instant started,
      JsonNode result,
      StepError failure,
      Usage used,
      Instant at) {
    StepState done = settling(agent, end, at).to(end, at);
    return new StepState(
        id,
        done.status,
        Math.max(attempt, ofAttempt),
        agent != null ? agent : agentId,
        started != null ? started : startedAt,
        result,
        failure,
        usage.plus(used),
        null,
        at,
        null);
  }

  StepState retryScheduled(Instant dueAt, Instant at) {
    StepState waiting = to(StepStatus.RETRY_WAIT, at);
    return new StepState(
        id, waiting.status, attempt, agentId, startedAt, null, error, usage, dueAt, at, null);
  }

  /**
   * A wait step began to wait, a failed attempt whose outcome is unknown waits for a person, or a
   * running planner's plan waits for a person's approval.
   */
  StepState waiting(Instant until, Instant at) {
    if (status == StepStatus.FAILED || status == StepStatus.RUNNING) {
      StepState waiting = to(StepStatus.WAITING, at);
      return new StepState(
          id, waiting.status, attempt, agentId, startedAt, null, error, usage, null, at, null);
    }
    StepState waiting = to(StepStatus.READY, at).to(StepStatus.WAITING, at);
    return new StepState(id, waiting.status, 1, null, null, null, null, usage, null, at, until);
  }

  /** An override or a signal completed the step with {@code result}. */
  StepState completed(JsonNode result, Instant at) {
    StepState done = to(StepStatus.SUCCEEDED, at);
    return new StepState(
        id,
        done.status,
        Math.max(1, attempt),
        agentId,
        startedAt,
        result,
        null,
        usage,
        null,
        at,
        null);
  }

  StepState skipped(Instant at) {
    return to(StepStatus.SKIPPED, at);
  }
}
