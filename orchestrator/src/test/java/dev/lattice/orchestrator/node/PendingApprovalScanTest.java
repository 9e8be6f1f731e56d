package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.api.PendingApproval;
import dev.lattice.protocol.plan.ExecutionMode;
import dev.lattice.protocol.plan.StepKind;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepStatus;
import dev.lattice.protocol.run.StepView;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingApprovalScanTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

  private static StepView step(String id, StepKind kind, StepStatus status, String signal) {
    return new StepView(
        id, kind, status, List.of(), 0, null, null, null, Usage.NONE, signal, null, null);
  }

  @Test
  void signalWaitsAndPlansWaitingForApprovalAreListedTimersAndOthersAreNot() {
    RunView run =
        new RunView(
            "r1",
            "acme",
            RunStatus.PAUSED,
            ExecutionMode.APPROVE,
            List.of(
                step("ok", StepKind.WAIT, StepStatus.WAITING, "approve"),
                step("nap", StepKind.WAIT, StepStatus.WAITING, null),
                step("plan", StepKind.PLAN, StepStatus.WAITING, null),
                step("later", StepKind.WAIT, StepStatus.PENDING, "approve"),
                step("build", StepKind.AGENT, StepStatus.RUNNING, null)),
            Usage.NONE,
            null,
            null,
            NOW,
            NOW,
            7);
    List<PendingApproval> waiting = PendingApprovalScan.waiting(run);
    assertThat(waiting)
        .extracting(PendingApproval::stepId, PendingApproval::signal, PendingApproval::kind)
        .containsExactly(
            tuple("ok", "approve", StepKind.WAIT), tuple("plan", "approve-plan", StepKind.PLAN));
    assertThat(waiting)
        .allMatch(a -> a.runStatus() == RunStatus.PAUSED && a.tenant().equals("acme"));
  }
}
