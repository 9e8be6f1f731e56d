package dev.lattice.orchestrator.run.core;

import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.run.ParentRun;
import dev.lattice.protocol.run.RunCause;
import dev.lattice.protocol.run.RunView;

/**
 * A child run's end as the result of the run step that started it: a completed child is the step's
 * output, a failed or cancelled one its error; what the child used is the step's usage either way.
 */
public final class ChildOutcomes {
  private ChildOutcomes() {}

  /** The result a child run that ended as {@code child} shows reports to {@code parent}. */
  public static AssignmentResult ended(ParentRun parent, RunView child) {
    Usage usage = child.usage() == null ? Usage.NONE : child.usage();
    StepOutcome outcome =
        switch (child.status()) {
          case COMPLETED -> new StepOutcome.Succeeded(child.output(), usage);
          case CANCELLED ->
              failed(
                  ErrorClass.CANCELLED,
                  "child run " + child.runId() + " was cancelled" + reason(child.cause()),
                  usage);
          default -> {
            RunCause cause = child.cause();
            ErrorClass errorClass = cause == null ? ErrorClass.AGENT_ERROR : cause.errorClass();
            yield failed(
                errorClass, "child run " + child.runId() + " failed" + reason(cause), usage);
          }
        };
    return result(parent, outcome);
  }

  /** The result of a child run that could not start: {@code errorClass}, for {@code why}. */
  public static AssignmentResult refused(ParentRun parent, ErrorClass errorClass, String why) {
    return result(parent, failed(errorClass, why, Usage.NONE));
  }

  private static StepOutcome failed(ErrorClass errorClass, String message, Usage usage) {
    return StepOutcome.failed(errorClass, message, usage);
  }

  private static String reason(RunCause cause) {
    if (cause == null || cause.message() == null) {
      return "";
    }
    return cause.stepId() == null
        ? ": " + cause.message()
        : ": step '" + cause.stepId() + "': " + cause.message();
  }

  private static AssignmentResult result(ParentRun parent, StepOutcome outcome) {
    return new AssignmentResult(
        parent.runId(),
        parent.stepId(),
        parent.attempt(),
        Assignment.keyOf(parent.runId(), parent.stepId(), parent.attempt()),
        null,
        outcome);
  }
}
