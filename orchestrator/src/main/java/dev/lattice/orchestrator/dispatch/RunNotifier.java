package dev.lattice.orchestrator.dispatch;

import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.RunId;

/** How a dispatcher tells a run what became of its assignments, wherever the run lives. */
public interface RunNotifier {
  /** An agent took attempt {@code attempt} of the step. */
  void started(RunId runId, String stepId, int attempt, AgentId agentId);

  /** The action running the attempt sent a heartbeat: it is alive. */
  void heartbeat(RunId runId, String stepId, int attempt);

  /** The attempt finished, successfully or not. */
  void finished(AssignmentResult result);
}
