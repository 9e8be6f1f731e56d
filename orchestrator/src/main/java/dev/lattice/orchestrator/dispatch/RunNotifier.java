package dev.lattice.orchestrator.dispatch;

import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.BusKey;
import dev.lattice.protocol.ids.RunId;

/** How a dispatcher tells a run what became of its assignments, wherever the run lives. */
public interface RunNotifier {
  /** An agent took attempt {@code attempt} of the step. */
  void started(RunId runId, String stepId, int attempt, AgentId agentId);

  /** The action running the attempt sent a heartbeat: it is alive. */
  void heartbeat(RunId runId, String stepId, int attempt);

  /** The attempt finished, successfully or not. */
  void finished(AssignmentResult result);

  /**
   * Asks the run whether it still wants {@code assignment}, which the dispatcher at {@code busKey}
   * found in flight when it restarted: the run sends it again if so ({@code Enqueue}), or takes it
   * back ({@code Withdraw}). Its records of a finished attempt may have been lost with the node,
   * and sending it to its agent again would run it twice.
   */
  void stillWanted(Assignment assignment, BusKey busKey);
}
