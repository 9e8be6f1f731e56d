package dev.lattice.worker.agent;

import dev.lattice.protocol.agent.AgentCommand;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.log.LogLine;
import dev.lattice.protocol.time.SaturatingTime;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionRequest;
import dev.lattice.worker.action.AgentAction;
import dev.lattice.worker.action.AttemptLog;
import dev.lattice.worker.secret.SecretResolver;
import dev.lattice.worker.tracing.AttemptSpans;
import dev.lattice.worker.tracing.NodeTracing;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * Runs the action of each attempt an agent accepted off the agent's thread, on the action
 * dispatcher, and holds it to its envelope: past its TTL it ends as {@code timeout}, and its result
 * goes through the {@link OutcomeCheck}. The checked outcome comes back to the agent as a {@link
 * WorkerAgent.ActionFinished}; heartbeats come back as {@link WorkerAgent.Beat}, a few per
 * heartbeat timeout at most ({@link HeartbeatGates}).
 *
 * <p>Keeps the attempts it started until their agent says they ended, each with the log its action
 * writes to ({@link BoundedAttemptLog}). Called on its agent's thread only; what runs on the
 * actions' threads touches none of the agent's state, only its reference, the heartbeat gates, the
 * set of cancelled attempts and the attempts' logs (all safe for concurrent use) and the stateless
 * outcome check.
 */
final class ActionRunner {
  private final AgentAction action;
  private final int heartbeatsPerTimeout;
  private final Clock clock;
  private final ActorContext<AgentCommand> context;
  private final Executor executor;
  private final ActionContext actionContext;
  private final OutcomeCheck outcomeCheck;
  // Written on the agent's thread, read by actions on their own threads through their heartbeats.
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
  private final HeartbeatGates heartbeats = new HeartbeatGates();
  // The attempts started and not yet ended, by idempotency key.
  private final Map<String, Assignment> running = new HashMap<>();
  // Their logs: written by actions on their own threads, taken on the agent's when they end.
  private final Map<String, BoundedAttemptLog> logs = new ConcurrentHashMap<>();
  private final RunLogLimits logLimits;

  ActionRunner(
      AgentId agentId,
      AgentAction action,
      WorkerSettings settings,
      Clock clock,
      ActorContext<AgentCommand> context) {
    this.action = action;
    this.logLimits = settings.runLog();
    this.heartbeatsPerTimeout = settings.heartbeatsPerTimeout();
    this.clock = clock;
    this.context = context;
    this.executor =
        context
            .getSystem()
            .dispatchers()
            .lookup(DispatcherSelector.fromConfig(settings.actionDispatcher()));
    ActorRef<AgentCommand> agent = context.getSelf();
    this.actionContext =
        new ActionContext(
            agentId,
            executor,
            LatticeJson.mapper(),
            key -> {
              if (heartbeats.pass(key, System.nanoTime())) {
                agent.tell(new WorkerAgent.Beat(key));
              }
              return !cancelled.contains(key);
            },
            context.getSystem(),
            SecretResolver.create(settings.secrets()),
            key -> {
              AttemptLog log = logs.get(key);
              return log == null ? AttemptLog.NONE : log;
            });
    this.outcomeCheck = new OutcomeCheck(settings.payloadLimits(), settings.redaction());
  }

  /** Starts the action of {@code assignment}; its outcome comes back to the agent. */
  void start(Assignment assignment) {
    String key = assignment.idempotencyKey();
    running.put(key, assignment);
    logs.put(key, new BoundedAttemptLog(logLimits, clock));
    if (assignment.heartbeatMs() != null) {
      // Pass on a few heartbeats per timeout, not every one an action sends.
      heartbeats.open(
          key,
          TimeUnit.MILLISECONDS.toNanos(assignment.heartbeatMs()) / heartbeatsPerTimeout,
          System.nanoTime());
    }
    Instant deadline = SaturatingTime.plusMillis(clock.instant(), assignment.ttlMs());
    Context attempt =
        AttemptSpans.start(
            NodeTracing.get(context.getSystem()).tracer(), assignment, actionContext.agentId());
    CompletableFuture<StepOutcome> outcome =
        CompletableFuture.supplyAsync(
                () -> {
                  // Current while the action starts its work: the spans it starts hang under it.
                  try (Scope current = attempt.makeCurrent()) {
                    return action.execute(ActionRequest.of(assignment, deadline), actionContext);
                  }
                },
                executor)
            .thenCompose(stage -> stage)
            .orTimeout(Math.max(1, assignment.ttlMs()), TimeUnit.MILLISECONDS)
            .handle(
                (result, failure) -> {
                  StepOutcome checked = outcomeCheck.outcome(assignment, result, failure);
                  AttemptSpans.end(attempt, checked);
                  return checked;
                });
    context.pipeToSelf(
        outcome,
        (checked, failure) ->
            new WorkerAgent.ActionFinished(
                assignment,
                checked != null ? checked : outcomeCheck.outcome(assignment, null, failure)));
  }

  /**
   * Withdraws the attempt {@code key}, if it is running: its action learns it from its next
   * heartbeat, and its outcome, when it comes back, is one to drop ({@link #dropsOutcome}).
   *
   * @return the attempt withdrawn, empty if none with that key is running
   */
  Optional<Assignment> cancel(String key) {
    Assignment attempt = running.get(key);
    if (attempt != null) {
      cancelled.add(key);
    }
    return Optional.ofNullable(attempt);
  }

  /**
   * The attempt {@code key} has ended for its agent: it no longer counts as running, and its
   * heartbeats go nowhere from now on.
   */
  void ended(String key) {
    running.remove(key);
    heartbeats.close(key);
  }

  /**
   * What the action of the attempt {@code key} wrote to its run's log, with a warning for each of
   * the outputs {@code outcome} says it rejected; none for an attempt not started here. Writes that
   * come later are dropped.
   */
  List<LogLine> takeLog(String key, StepOutcome outcome) {
    BoundedAttemptLog log = logs.remove(key);
    return log == null ? List.of() : log.take(outcome.rejected());
  }

  /**
   * Whether the outcome of the attempt {@code key}, just come back, is to be dropped because the
   * attempt was cancelled and answered for already. Asked once per outcome.
   */
  boolean dropsOutcome(String key) {
    return cancelled.remove(key);
  }
}
