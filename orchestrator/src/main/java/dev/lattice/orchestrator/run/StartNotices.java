package dev.lattice.orchestrator.run;

import dev.lattice.orchestrator.run.core.RunState;
import dev.lattice.orchestrator.run.core.StepState;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.run.StepStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Agents' reports that they took an attempt, kept until the attempt's outcome is recorded: a short
 * attempt's start is written in its outcome's event, not on its own. Transient, not state: a notice
 * lost in a restart only costs the attempt its recorded start time.
 */
final class StartNotices {
  /** An agent's report that it took attempt {@code attempt}, at {@code at}. */
  record Notice(int attempt, AgentId agentId, Instant at) {}

  private final Map<String, Notice> byStep = new HashMap<>();

  /** Notes that {@code agentId} took attempt {@code attempt} of {@code stepId} at {@code at}. */
  void heard(String stepId, int attempt, AgentId agentId, Instant at) {
    byStep.put(stepId, new Notice(attempt, agentId, at));
  }

  /** The notice of attempt {@code attempt} of {@code stepId}, or {@code null} if none came. */
  Notice of(String stepId, int attempt) {
    Notice notice = byStep.get(stepId);
    return notice != null && notice.attempt() == attempt ? notice : null;
  }

  /** When the agent took the attempt of {@code result}, or {@code null} if the run did not hear. */
  Instant startedAt(AssignmentResult result) {
    Notice notice = of(result.stepId(), result.attempt());
    return notice == null ? null : notice.at();
  }

  /** Forgets the notices of steps whose attempt is over: settled, or waiting for a retry. */
  void forgetEnded(RunState state) {
    if (byStep.isEmpty()) {
      return;
    }
    byStep
        .keySet()
        .removeIf(
            stepId -> {
              StepState step = state.step(stepId);
              return step.status().terminal() || step.status() == StepStatus.RETRY_WAIT;
            });
  }
}
