package dev.lattice.orchestrator.ratelimit;

import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.agent.RateObservation;
import dev.lattice.worker.action.llm.LlmSettings;
import dev.lattice.worker.action.llm.ProviderSettings;
import dev.lattice.worker.action.llm.RateLimit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The rate limit of one provider's model for the whole cluster: one sharded entity per {@link
 * LimitedModel}, which every dispatcher asks for room before it sends an attempt calling that
 * model. Room is granted first come first served, as its {@link RateBook} allows; an attempt that
 * does not fit waits here, and its dispatcher hears why.
 *
 * <p>Lifecycle: started by the first ask, it stays (a few counters per model in use). Its counts
 * live in memory only: a limiter that restarts (its node failed, or its shard moved) starts with an
 * empty window, so for up to one window the provider may see up to twice the limit; the provider's
 * rate-limit headers, reported back with results, then count what it saw. Dispatchers ask again for
 * what they wait for, so a restarted limiter learns of them.
 */
public final class ProviderLimiter extends AbstractBehavior<ProviderLimiter.Command> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "ProviderLimiter");

  /** Starts sharding of limiters, which read each provider's limits from {@code llm}. */
  public static void init(
      ActorSystem<?> system,
      LlmSettings llm,
      RateLimitSettings settings,
      Clock clock,
      String role) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_TYPE_KEY,
                    entity ->
                        create(LimitedModel.parse(entity.getEntityId()), llm, settings, clock))
                .withRole(role));
  }

  /** Messages of a limiter. */
  public sealed interface Command extends CborSerializable {}

  /**
   * Room for {@code requests} requests of the attempt {@code key} (one, or more for a step that may
   * ask again to repair its answer), expecting {@code tokens} in all; the answer, now or once there
   * is room, goes to {@code replyTo}. Asking again for a key granted or waiting is answered once
   * more, never counted twice.
   */
  public record Acquire(String key, int requests, long tokens, ActorRef<Answer> replyTo)
      implements Command {}

  /** The attempt {@code key} did not send its request: it stops counting, or stops waiting. */
  public record Release(String key) implements Command {}

  /**
   * The attempt {@code key} made {@code requests} requests using {@code tokens}, which count
   * instead of what it asked for.
   */
  public record Settle(String key, int requests, long tokens) implements Command {}

  /** What the provider's headers said in answer to a call. */
  public record Observe(RateObservation observation) implements Command {}

  /** What a limiter tells a dispatcher about the attempts it asked for. */
  public sealed interface Answer extends CborSerializable {
    LimitedModel model();
  }

  /**
   * The attempt {@code key} may send its request now. {@code reason} says why others still wait,
   * null when none does.
   */
  public record Granted(LimitedModel model, String key, String reason) implements Answer {}

  /** The attempt {@code key} waits for room, for {@code reason}. */
  public record Waiting(LimitedModel model, String key, String reason) implements Answer {}

  private enum Tick implements Command {
    INSTANCE
  }

  private final LimitedModel model;
  private final RateBook book;
  private final TimerScheduler<Command> timers;
  private final RateLimitSettings settings;
  private final Clock clock;
  private final Map<String, ActorRef<Answer>> askers = new HashMap<>();

  private ProviderLimiter(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      LimitedModel model,
      RateLimit limit,
      RateLimitSettings settings,
      Clock clock) {
    super(context);
    this.model = model;
    this.timers = timers;
    this.settings = settings;
    this.clock = clock;
    this.book = new RateBook(model.describe(), limit, settings.margin());
  }

  /** The limiter of {@code model}; a model whose provider is not configured is not limited. */
  public static Behavior<Command> create(
      LimitedModel model, LlmSettings llm, RateLimitSettings settings, Clock clock) {
    RateLimit limit =
        llm.provider(model.provider())
            .map(ProviderSettings::limits)
            .map(limits -> limits.of(model.model()))
            .orElse(RateLimit.NONE);
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new ProviderLimiter(context, timers, model, limit, settings, clock)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Acquire.class, this::onAcquire)
        .onMessage(Release.class, this::onRelease)
        .onMessage(Settle.class, this::onSettle)
        .onMessage(Observe.class, this::onObserve)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .build();
  }

  private Behavior<Command> onAcquire(Acquire acquire) {
    Instant now = clock.instant();
    askers.put(acquire.key(), acquire.replyTo());
    List<String> grants = book.request(acquire.key(), acquire.requests(), acquire.tokens(), now);
    if (!grants.contains(acquire.key())) {
      acquire.replyTo().tell(new Waiting(model, acquire.key(), book.reason()));
    }
    grant(grants);
    return settled(now);
  }

  private Behavior<Command> onRelease(Release release) {
    askers.remove(release.key());
    book.release(release.key());
    return onTick();
  }

  private Behavior<Command> onSettle(Settle settle) {
    book.settle(settle.key(), settle.requests(), settle.tokens());
    return onTick();
  }

  private Behavior<Command> onObserve(Observe observe) {
    book.observe(observe.observation(), clock.instant());
    return onTick();
  }

  private Behavior<Command> onTick() {
    Instant now = clock.instant();
    grant(book.poll(now));
    return settled(now);
  }

  private void grant(List<String> keys) {
    String reason = book.anyWaiting() ? book.reason() : null;
    for (String key : keys) {
      ActorRef<Answer> asker = askers.remove(key);
      if (asker != null) {
        asker.tell(new Granted(model, key, reason));
      }
    }
  }

  /** Re-checks when room may free up for those waiting. */
  private Behavior<Command> settled(Instant now) {
    book.nextCheck()
        .ifPresent(
            at -> timers.startSingleTimer(Tick.INSTANCE, positive(Duration.between(now, at))));
    return this;
  }

  private static Duration positive(Duration wait) {
    return wait.isNegative() || wait.isZero() ? Duration.ofMillis(1) : wait;
  }
}
