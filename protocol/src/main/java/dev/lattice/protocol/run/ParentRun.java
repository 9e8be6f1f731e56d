package dev.lattice.protocol.run;

import dev.lattice.protocol.ids.RunId;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;

/**
 * The step of another run that started this one: a child run reports its end to it, and its
 * interventions reach this run.
 *
 * @param runId the parent run
 * @param stepId the parent's step of kind {@code run}
 * @param attempt the attempt of that step this run is
 * @param depth how deep this run is nested: 1 for a child of a top-level run
 */
public record ParentRun(RunId runId, String stepId, int attempt, int depth) {
  public ParentRun {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(stepId, "stepId");
  }

  /**
   * The id of the child run that attempt {@code attempt} of step {@code stepId} of {@code parent}
   * starts: always the same, so that starting it again finds the child already there.
   */
  public static RunId childId(RunId parent, String stepId, int attempt) {
    byte[] name =
        ("child\n" + parent.value() + "\n" + stepId + "\n" + attempt)
            .getBytes(StandardCharsets.UTF_8);
    return RunId.of(UUID.nameUUIDFromBytes(name).toString());
  }

  /** The id of this child run. */
  public RunId childId() {
    return childId(runId, stepId, attempt);
  }
}
