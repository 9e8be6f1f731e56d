package dev.lattice.worker.action;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.protocol.ids.AgentId;
import java.util.concurrent.Executor;

/**
 * What the agent offers the actions it runs.
 *
 * @param agentId the agent running the action
 * @param executor an executor for blocking work (the agent's action dispatcher)
 * @param json a JSON mapper for building outputs
 * @param heartbeats where a long action reports that it is alive
 */
public record ActionContext(
    AgentId agentId, Executor executor, ObjectMapper json, Heartbeats heartbeats) {

  /** A context whose heartbeats go nowhere. */
  public ActionContext(AgentId agentId, Executor executor, ObjectMapper json) {
    this(agentId, executor, json, Heartbeats.NONE);
  }

  /**
   * Reports that the attempt of {@code request} is alive. A step with a heartbeat timeout fails its
   * attempt with {@code timeout} when its action stays silent longer than that; call this more
   * often (calls in quick succession cost little: the agent passes on only what the timeout needs).
   *
   * @return {@code false} once the attempt was withdrawn (the run was cancelled, or timed the
   *     attempt out): stop, the result will be ignored
   */
  public boolean heartbeat(ActionRequest request) {
    return heartbeats.beat(request.idempotencyKey());
  }
}
