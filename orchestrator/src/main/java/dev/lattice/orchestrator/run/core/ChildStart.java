package dev.lattice.orchestrator.run.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.plan.Budget;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.run.ParentRun;
import dev.lattice.protocol.run.RunTrace;

/**
 * What the latest attempt of a run step asks for: a child run of one of {@code intent}, {@code
 * goal} or {@code plan}. Pure data, the same every time it is built from the same state, so that a
 * start sent again asks for the same child.
 *
 * @param parent the step and attempt the child reports to
 * @param tenant the parent's tenant, which the child belongs to as well
 * @param intent the named intent to plan from, or null
 * @param goal the goal a planner plans from, or null
 * @param plan the child's own plan, or null
 * @param payload the child's payload: the run step's resolved input
 * @param budget what the child may spend, carved out of the parent's budget
 * @param timeoutMs how long the child may take: its deadline
 * @param priority the parent's priority, which the child's steps keep
 * @param parentTrace the parent's trace, which the child's continues; null for none
 */
public record ChildStart(
    ParentRun parent,
    TenantId tenant,
    String intent,
    String goal,
    PlanSpec plan,
    JsonNode payload,
    Budget budget,
    long timeoutMs,
    int priority,
    RunTrace parentTrace) {

  /** The id of the child run. */
  public RunId childId() {
    return parent.childId();
  }
}
