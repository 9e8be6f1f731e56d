package dev.lattice.worker.agent;

import dev.lattice.protocol.agent.AgentBreakers;
import dev.lattice.protocol.agent.AgentCommand;
import dev.lattice.protocol.agent.AgentManifest;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.BreakerOpen;
import dev.lattice.protocol.agent.BreakerStatus;
import dev.lattice.protocol.agent.StepOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The circuit breakers of one agent, and who watches them: one breaker for the agent itself and one
 * per model it declares. An assignment naming one of those models goes through that model's
 * breaker, any other through the agent's own. They are independent, so a failing model endpoint
 * does not stop the agent's other models.
 *
 * <p>Every change goes to the watchers at once, and the end of the next cool-down is kept armed as
 * the agent's {@link WorkerAgent.BreakerDue} timer, so a breaker turns half-open (and says so) even
 * when no assignment arrives. Not persisted: a restarted agent starts with closed breakers. Used on
 * its agent's thread only.
 */
final class Breakers {
  private final AgentManifest manifest;
  private final BreakerSettings settings;
  private final ActorContext<AgentCommand> context;
  private final TimerScheduler<AgentCommand> timers;
  private Breaker agent;
  private final Map<String, Breaker> models = new TreeMap<>();
  private final Set<ActorRef<AgentBreakers>> watchers = new HashSet<>();

  Breakers(
      AgentManifest manifest,
      BreakerSettings settings,
      ActorContext<AgentCommand> context,
      TimerScheduler<AgentCommand> timers,
      Instant now) {
    this.manifest = manifest;
    this.settings = settings;
    this.context = context;
    this.timers = timers;
    agent = Breaker.closed(now, settings.coolDown());
    manifest.models().forEach(m -> models.put(m, Breaker.closed(now, settings.coolDown())));
  }

  /** Why {@code assignment} may not run now: its breaker is open. Empty if it may. */
  Optional<BreakerOpen> refusal(Assignment assignment, Instant now) {
    if (!settings.enabled()) {
      return Optional.empty();
    }
    String scope = scope(assignment);
    Duration wait = breaker(scope).refusal(now);
    return wait == null ? Optional.empty() : Optional.of(new BreakerOpen(scope, wait.toMillis()));
  }

  /** Lets {@code assignment}, not refused, through its breaker. */
  void admit(Assignment assignment, Instant now) {
    if (settings.enabled()) {
      String scope = scope(assignment);
      update(scope, breaker(scope).admit(assignment.idempotencyKey(), now), now);
    }
  }

  /** Counts {@code outcome} on its assignment's breaker. */
  void record(Assignment assignment, StepOutcome outcome, Instant now) {
    if (settings.enabled()) {
      String scope = scope(assignment);
      Breaker.Verdict verdict = Breaker.Verdict.of(outcome);
      update(
          scope, breaker(scope).record(assignment.idempotencyKey(), verdict, now, settings), now);
    }
  }

  /** Sends the breakers to {@code watcher} now and after every change, until it stops. */
  void watch(ActorRef<AgentBreakers> watcher) {
    watcher.tell(report());
    if (watchers.add(watcher)) {
      context.watchWith(watcher, new WorkerAgent.BreakerWatcherGone(watcher));
    }
  }

  /** Forgets {@code watcher}, which stopped. */
  void watcherGone(ActorRef<AgentBreakers> watcher) {
    watchers.remove(watcher);
  }

  /** Turns the breakers whose cool-down has ended half-open. */
  void due(Instant now) {
    update(null, agent.due(now), now);
    for (String model : List.copyOf(models.keySet())) {
      update(model, models.get(model).due(now), now);
    }
    arm(now);
  }

  AgentBreakers report() {
    Map<String, BreakerStatus> byModel = new TreeMap<>();
    models.forEach((model, breaker) -> byModel.put(model, breaker.status()));
    return new AgentBreakers(manifest.agentId(), agent.status(), byModel);
  }

  /** The reason a rejection by {@code open} gives, for people. */
  static String reason(BreakerOpen open) {
    return "circuit breaker of "
        + (open.model() == null ? "the agent" : "model '" + open.model() + "'")
        + " is open"
        + (open.retryAfterMs() > 0
            ? "; a probe may pass in " + open.retryAfterMs() + " ms"
            : "; its probe is running");
  }

  /** The breaker of {@code scope}: a model's name, or null for the agent's own. */
  private Breaker breaker(String scope) {
    return scope == null ? agent : models.get(scope);
  }

  /** The scope of {@code assignment}: the model it names if the agent declares it, else null. */
  private String scope(Assignment assignment) {
    String model = assignment.model();
    return model != null && manifest.models().contains(model) ? model : null;
  }

  private void update(String scope, Breaker next, Instant now) {
    Breaker previous = breaker(scope);
    if (scope == null) {
      agent = next;
    } else {
      models.put(scope, next);
    }
    if (previous.state() != next.state()) {
      context
          .getLog()
          .info(
              "circuit breaker of {}{} is now {} ({} consecutive failures)",
              manifest.agentId(),
              scope == null ? "" : " model '" + scope + "'",
              next.state().wire(),
              next.failures());
    }
    if (!previous.status().equals(next.status())) {
      AgentBreakers report = report();
      watchers.forEach(watcher -> watcher.tell(report));
      arm(now);
    }
  }

  /** Arms the timer for the end of the next cool-down, or cancels it if no breaker is open. */
  private void arm(Instant now) {
    Optional<Instant> next =
        Stream.concat(Stream.of(agent), models.values().stream())
            .map(Breaker::openUntil)
            .filter(Objects::nonNull)
            .min(Instant::compareTo);
    if (next.isPresent()) {
      Duration wait = Duration.between(now, next.get());
      timers.startSingleTimer(
          WorkerAgent.BreakerDue.INSTANCE, wait.isNegative() ? Duration.ZERO : wait);
    } else {
      timers.cancel(WorkerAgent.BreakerDue.INSTANCE);
    }
  }
}
