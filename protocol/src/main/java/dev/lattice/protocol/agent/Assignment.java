package dev.lattice.protocol.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.plan.Budget;
import dev.lattice.protocol.plan.LoopPart;
import java.util.List;
import java.util.Objects;

/**
 * What the executor-dispatcher hands a worker agent: one attempt of one step, with the envelope the
 * agent must honour (budget and TTL).
 *
 * @param runId the run
 * @param stepId the step
 * @param attempt the attempt number, from 1
 * @param idempotencyKey {@code runId/stepId/attempt}; the same key never runs twice where the
 *     worker's record of it survives
 * @param capability the capability asked for
 * @param model the model asked for, if any
 * @param budget limits for this attempt
 * @param ttlMs how long the attempt may run once started
 * @param input the resolved input
 * @param tenant the run's tenant
 * @param heartbeatMs the longest silence the run allows a running attempt, if it asks for
 *     heartbeats: the agent passes on the action's heartbeats often enough to stay within it
 * @param priority its run's priority: higher is dispatched first from the same queue
 * @param tools the tool allow-lists that apply: a tool is allowed when every list allows it; none
 *     configured means every tool is allowed
 * @param traceparent the run's span (W3C {@code traceparent}), the parent of the attempt's spans;
 *     null for a run recorded without a trace
 * @param part what the step is part of when it is a turn or a tool call of a tool loop; null
 *     otherwise
 */
public record Assignment(
    RunId runId,
    String stepId,
    int attempt,
    String idempotencyKey,
    String capability,
    String model,
    Budget budget,
    long ttlMs,
    JsonNode input,
    TenantId tenant,
    Long heartbeatMs,
    int priority,
    List<AllowList> tools,
    LoopPart part,
    @JsonInclude(JsonInclude.Include.NON_NULL) String traceparent)
    implements CborSerializable {

  /** An assignment outside any trace. */
  public Assignment(
      RunId runId,
      String stepId,
      int attempt,
      String idempotencyKey,
      String capability,
      String model,
      Budget budget,
      long ttlMs,
      JsonNode input,
      TenantId tenant,
      Long heartbeatMs,
      int priority,
      List<AllowList> tools,
      LoopPart part) {
    this(
        runId,
        stepId,
        attempt,
        idempotencyKey,
        capability,
        model,
        budget,
        ttlMs,
        input,
        tenant,
        heartbeatMs,
        priority,
        tools,
        part,
        null);
  }

  /** An assignment that is no part of a tool loop. */
  public Assignment(
      RunId runId,
      String stepId,
      int attempt,
      String idempotencyKey,
      String capability,
      String model,
      Budget budget,
      long ttlMs,
      JsonNode input,
      TenantId tenant,
      Long heartbeatMs,
      int priority,
      List<AllowList> tools) {
    this(
        runId,
        stepId,
        attempt,
        idempotencyKey,
        capability,
        model,
        budget,
        ttlMs,
        input,
        tenant,
        heartbeatMs,
        priority,
        tools,
        null);
  }

  /** An assignment of default priority with no tool allow-lists. */
  public Assignment(
      RunId runId,
      String stepId,
      int attempt,
      String idempotencyKey,
      String capability,
      String model,
      Budget budget,
      long ttlMs,
      JsonNode input,
      TenantId tenant,
      Long heartbeatMs) {
    this(
        runId,
        stepId,
        attempt,
        idempotencyKey,
        capability,
        model,
        budget,
        ttlMs,
        input,
        tenant,
        heartbeatMs,
        0,
        List.of());
  }

  /** An assignment whose run asks for no heartbeats. */
  public Assignment(
      RunId runId,
      String stepId,
      int attempt,
      String idempotencyKey,
      String capability,
      String model,
      Budget budget,
      long ttlMs,
      JsonNode input,
      TenantId tenant) {
    this(
        runId,
        stepId,
        attempt,
        idempotencyKey,
        capability,
        model,
        budget,
        ttlMs,
        input,
        tenant,
        null);
  }

  public Assignment {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(stepId, "stepId");
    Objects.requireNonNull(capability, "capability");
    Objects.requireNonNull(tenant, "tenant");
    budget = budget == null ? Budget.UNLIMITED : budget;
    tools = tools == null ? List.of() : List.copyOf(tools);
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt starts at 1");
    }
    if (idempotencyKey == null) {
      idempotencyKey = keyOf(runId, stepId, attempt);
    }
  }

  /** This assignment with {@code lists} as its tool allow-lists. */
  public Assignment withTools(List<AllowList> lists) {
    return new Assignment(
        runId,
        stepId,
        attempt,
        idempotencyKey,
        capability,
        model,
        budget,
        ttlMs,
        input,
        tenant,
        heartbeatMs,
        priority,
        lists,
        part,
        traceparent);
  }

  /** This assignment with {@code resolved} as its input. */
  public Assignment withInput(JsonNode resolved) {
    return new Assignment(
        runId,
        stepId,
        attempt,
        idempotencyKey,
        capability,
        model,
        budget,
        ttlMs,
        resolved,
        tenant,
        heartbeatMs,
        priority,
        tools,
        part,
        traceparent);
  }

  /** This assignment with {@code limits} as its budget. */
  public Assignment withBudget(Budget limits) {
    return new Assignment(
        runId,
        stepId,
        attempt,
        idempotencyKey,
        capability,
        model,
        limits,
        ttlMs,
        input,
        tenant,
        heartbeatMs,
        priority,
        tools,
        part,
        traceparent);
  }

  /** The idempotency key of an attempt: {@code runId/stepId/attempt}. */
  public static String keyOf(RunId runId, String stepId, int attempt) {
    return runId.value() + "/" + stepId + "/" + attempt;
  }
}
