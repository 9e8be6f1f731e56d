package dev.lattice.worker.action;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.protocol.agent.AllowList;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.worker.secret.SecretResolver;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;

/**
 * What the agent offers the actions it runs.
 *
 * @param agentId the agent running the action
 * @param executor an executor for blocking work (the agent's action dispatcher)
 * @param json a JSON mapper for building outputs
 * @param heartbeats where a long action reports that it is alive
 * @param system the actor system the agent runs in, for non-blocking I/O (pekko-http's client,
 *     streams, the scheduler); null for a context made outside an agent without one
 * @param secrets resolves the secret references ({@code ${secret:NAME}}) of a step's input where
 *     the action uses them, from the node's configured providers ({@code lattice.secrets}); the
 *     values go to their target only, and are scrubbed from what the action returns
 * @param logs the logs of the attempts running, where actions write to their runs' logs ({@link
 *     #log(ActionRequest)})
 */
public record ActionContext(
    AgentId agentId,
    Executor executor,
    ObjectMapper json,
    Heartbeats heartbeats,
    ActorSystem<?> system,
    SecretResolver secrets,
    AttemptLogs logs) {

  public ActionContext {
    secrets = secrets == null ? SecretResolver.NONE : secrets;
    logs = logs == null ? AttemptLogs.NONE : logs;
  }

  /** A context whose attempts keep no log. */
  public ActionContext(
      AgentId agentId,
      Executor executor,
      ObjectMapper json,
      Heartbeats heartbeats,
      ActorSystem<?> system,
      SecretResolver secrets) {
    this(agentId, executor, json, heartbeats, system, secrets, AttemptLogs.NONE);
  }

  /**
   * This context with its blocking work, and the continuations of actions, run on {@code value}.
   */
  public ActionContext withExecutor(Executor value) {
    return new ActionContext(agentId, value, json, heartbeats, system, secrets);
  }

  /** A context that resolves no secret. */
  public ActionContext(
      AgentId agentId,
      Executor executor,
      ObjectMapper json,
      Heartbeats heartbeats,
      ActorSystem<?> system) {
    this(agentId, executor, json, heartbeats, system, SecretResolver.NONE);
  }

  /** A context whose heartbeats go nowhere, without an actor system. */
  public ActionContext(AgentId agentId, Executor executor, ObjectMapper json) {
    this(agentId, executor, json, Heartbeats.NONE, null);
  }

  /** A context without an actor system. */
  public ActionContext(
      AgentId agentId, Executor executor, ObjectMapper json, Heartbeats heartbeats) {
    this(agentId, executor, json, heartbeats, null);
  }

  /**
   * Checks that the attempt of {@code request} may use {@code tool}: call it before every tool
   * call. A tool not on an allow-list that applies to the attempt (its tenant's, its capability's)
   * is denied: the attempt then fails with {@code policy_denied}, naming the rule.
   *
   * @throws ActionException with {@code policy_denied} when the tool is not allowed
   */
  public void useTool(ActionRequest request, String tool) {
    for (AllowList list : request.tools()) {
      if (!list.allows(tool)) {
        throw new ActionException(
            ErrorClass.POLICY_DENIED,
            "tool '"
                + tool
                + "' is not on the allow-list "
                + list.rule()
                + " "
                + list.allowed().stream().sorted().toList());
      }
    }
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

  /**
   * The run's log for the attempt of {@code request}: what the action writes there goes to the run
   * with the attempt's result (a command's output lines, warnings), bounded by the agent.
   */
  public AttemptLog log(ActionRequest request) {
    return logs.of(request.idempotencyKey());
  }

  /**
   * The dispatcher configured at {@code path} (a section such as {@code
   * lattice.embeddings.dispatcher}), for blocking work that should not hold the action dispatcher's
   * threads; {@link #executor()} for a context without an actor system.
   */
  public Executor executor(String path) {
    return system == null
        ? executor
        : system.dispatchers().lookup(DispatcherSelector.fromConfig(path));
  }
}
