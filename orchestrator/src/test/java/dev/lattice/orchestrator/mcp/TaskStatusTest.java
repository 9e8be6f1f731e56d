package dev.lattice.orchestrator.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.plan.StepKind;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepStatus;
import dev.lattice.protocol.run.StepView;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskStatusTest {
  private static final StepView WORKING_STEP = step(StepStatus.RUNNING, null);
  private static final StepView WAITING_FOR_SIGNAL = step(StepStatus.WAITING, "approve");
  private static final StepView WAITING_FOR_TIMER = step(StepStatus.WAITING, null);

  @Test
  void aRunThatIsNotDoneIsWorkingUnlessAStepWaitsForASignal() {
    for (RunStatus status : List.of(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.PAUSED)) {
      assertThat(TaskStatus.of(run(status, WORKING_STEP))).isEqualTo(TaskStatus.WORKING);
      assertThat(TaskStatus.of(run(status, WAITING_FOR_TIMER))).isEqualTo(TaskStatus.WORKING);
      assertThat(TaskStatus.of(run(status, WORKING_STEP, WAITING_FOR_SIGNAL)))
          .isEqualTo(TaskStatus.INPUT_REQUIRED);
    }
  }

  @Test
  void aFinishedRunsTaskEndsAsItDid() {
    assertThat(TaskStatus.of(run(RunStatus.COMPLETED))).isEqualTo(TaskStatus.COMPLETED);
    assertThat(TaskStatus.of(run(RunStatus.FAILED))).isEqualTo(TaskStatus.FAILED);
    assertThat(TaskStatus.of(run(RunStatus.CANCELLED))).isEqualTo(TaskStatus.CANCELLED);
    assertThat(List.of(TaskStatus.values()))
        .filteredOn(TaskStatus::terminal)
        .containsExactly(TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.CANCELLED);
  }

  @Test
  void wireNamesAreTheExtensions() {
    assertThat(List.of(TaskStatus.values()))
        .extracting(TaskStatus::wire)
        .containsExactly("working", "input_required", "completed", "failed", "cancelled");
  }

  private static RunView run(RunStatus status, StepView... steps) {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    return new RunView(
        "r1", "default", status, null, List.of(steps), null, null, null, now, now, 3);
  }

  private static StepView step(StepStatus status, String signal) {
    return new StepView(
        "s", StepKind.WAIT, status, List.of(), 0, null, null, null, null, signal, null, null);
  }
}
