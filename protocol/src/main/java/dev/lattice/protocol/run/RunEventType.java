package dev.lattice.protocol.run;

import java.util.Set;

/** The dotted type names of public run events. */
public final class RunEventType {
  public static final String RUN_STARTED = "run.started";
  public static final String RUN_COMPLETED = "run.completed";
  public static final String RUN_FAILED = "run.failed";
  public static final String RUN_CANCELLED = "run.cancelled";
  public static final String RUN_PAUSED = "run.paused";
  public static final String RUN_RESUMED = "run.resumed";
  public static final String STEP_DISPATCHED = "step.dispatched";
  public static final String STEP_STARTED = "step.started";
  public static final String STEP_SUCCEEDED = "step.succeeded";
  public static final String STEP_FAILED = "step.failed";
  public static final String STEP_OUTPUT_REJECTED = "step.output_rejected";
  public static final String STEP_RETRY_SCHEDULED = "step.retry_scheduled";
  public static final String STEP_SKIPPED = "step.skipped";
  public static final String STEP_WAITING = "step.waiting";
  public static final String STEP_SIGNALLED = "step.signalled";
  public static final String STEP_OVERRIDDEN = "step.overridden";
  public static final String STEP_TURN_STARTED = "step.turn_started";
  public static final String STEP_TOOL_CALLS = "step.tool_calls";
  public static final String PLAN_ASKED = "plan.asked";
  public static final String PLAN_PROPOSED = "plan.proposed";
  public static final String PLAN_ADOPTED = "plan.adopted";
  public static final String PLAN_REPLANNING = "plan.replanning";
  public static final String STATE_WRITTEN = "state.written";
  public static final String STEP_ELEMENT_STARTED = "step.element_started";
  public static final String STEP_ITERATION_STARTED = "step.iteration_started";
  public static final String BUDGET_EXCEEDED = "budget.exceeded";

  private static final Set<String> TERMINAL = Set.of(RUN_COMPLETED, RUN_FAILED, RUN_CANCELLED);

  private RunEventType() {}

  /** Whether an event of this type is the last of its run. */
  public static boolean isTerminal(String type) {
    return TERMINAL.contains(type);
  }
}
