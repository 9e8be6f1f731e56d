package dev.lattice.worker.agent;

import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.agent.Usage;

/**
 * Outcomes of an unsafe tool's call that cannot say whether it happened. Retried, such a call could
 * happen twice: it ends as {@code unknown_outcome} instead, and its step waits for a person.
 */
final class UnsafeOutcomes {
  private UnsafeOutcomes() {}

  /** The call started before its agent stopped, and its result was not recorded. */
  static StepOutcome startedBeforeAStop(Assignment assignment) {
    return new StepOutcome.Failed(
        StepError.of(
            ErrorClass.UNKNOWN_OUTCOME,
            "a call of unsafe tool '"
                + assignment.capability()
                + "' started before its node stopped and its result was not recorded:"
                + " it may have happened, so it is not repeated"),
        Usage.NONE);
  }

  /**
   * {@code outcome} of a call that ran: a timeout becomes an unknown outcome (the target may have
   * acted on the request before the answer was late); any other outcome stays as it is.
   */
  static StepOutcome ofCall(Assignment assignment, StepOutcome outcome) {
    if (!(outcome instanceof StepOutcome.Failed failed)
        || failed.error().errorClass() != ErrorClass.TIMEOUT) {
      return outcome;
    }
    return new StepOutcome.Failed(
        StepError.of(
            ErrorClass.UNKNOWN_OUTCOME,
            "a call of unsafe tool '"
                + assignment.capability()
                + "' timed out after it was sent ("
                + failed.error().message()
                + "): it may have happened, so it is not repeated"),
        failed.usage(),
        failed.rejected());
  }
}
