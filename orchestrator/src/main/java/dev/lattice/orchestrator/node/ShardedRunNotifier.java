package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.dispatch.RunNotifier;
import dev.lattice.orchestrator.run.RunEntity;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.BusKey;
import dev.lattice.protocol.ids.RunId;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** Dispatchers tell the sharded run entities what became of their assignments. */
final class ShardedRunNotifier implements RunNotifier {
  private final ClusterSharding sharding;

  ShardedRunNotifier(ClusterSharding sharding) {
    this.sharding = sharding;
  }

  @Override
  public void started(RunId runId, String stepId, int attempt, AgentId agentId) {
    tell(runId, new RunEntity.ReportStarted(stepId, attempt, agentId));
  }

  @Override
  public void heartbeat(RunId runId, String stepId, int attempt) {
    tell(runId, new RunEntity.ReportHeartbeat(stepId, attempt));
  }

  @Override
  public void finished(AssignmentResult result) {
    tell(result.runId(), new RunEntity.ReportResult(result));
  }

  @Override
  public void stillWanted(Assignment assignment, BusKey busKey) {
    tell(
        assignment.runId(),
        new RunEntity.ConfirmAttempt(assignment.stepId(), assignment.attempt(), busKey));
  }

  private void tell(RunId runId, RunEntity.Command command) {
    sharding.entityRefFor(RunEntity.ENTITY_TYPE_KEY, runId.value()).tell(command);
  }
}
