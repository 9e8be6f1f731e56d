package dev.lattice.orchestrator.dispatch;

import dev.lattice.orchestrator.ratelimit.LimitedModel;
import dev.lattice.orchestrator.ratelimit.ProviderLimiter;
import dev.lattice.orchestrator.ratelimit.RateLimitServices;
import dev.lattice.orchestrator.ratelimit.RateLimitSettings;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.worker.action.llm.LlmTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A dispatcher's side of model providers' rate limits: before an attempt that calls a rate-limited
 * provider model is routed, it needs room from that model's {@link ProviderLimiter}, and it waits
 * in the queue until it has it. Room is asked for only when an agent could take the attempt, for at
 * most {@code max-asks} attempts per model at once; room not used within {@code permit-hold} is
 * given back, so that a grant always reaches the provider within the limiter's margin.
 *
 * <p>Not thread-safe: it belongs to its dispatcher's actor. Kept in memory: a restarted dispatcher
 * asks again for what it still has queued.
 */
final class RatePermits {
  private record Ask(LimitedModel model, Instant at) {}

  private final RateLimitServices services;
  private final RateLimitSettings settings;
  private final ActorRef<ProviderLimiter.Answer> replies;
  private final Map<String, Optional<LlmTarget>> targets = new HashMap<>();
  private final Map<String, Ask> asked = new HashMap<>();
  private final Map<String, Ask> granted = new HashMap<>();
  private final Map<LimitedModel, Integer> outstanding = new HashMap<>();
  private final Map<LimitedModel, String> waitingFor = new HashMap<>();
  private final Map<String, LimitedModel> sent = new HashMap<>();
  private final DispatchMeters meters;

  RatePermits(
      RateLimitServices services, ActorRef<ProviderLimiter.Answer> replies, DispatchMeters meters) {
    this.services = services;
    this.meters = meters;
    this.settings = services.settings();
    this.replies = replies;
  }

  /**
   * Whether {@code assignment} may go to an agent now: it calls no rate-limited model, or it has
   * room. Otherwise room is asked for (if not yet, and within the asks allowed) and it waits.
   */
  boolean admits(Assignment assignment, Instant now) {
    Optional<LlmTarget> target = target(assignment);
    if (target.isEmpty()) {
      return true;
    }
    String key = assignment.idempotencyKey();
    LimitedModel model = model(target.get());
    Ask room = granted.get(key);
    if (room != null) {
      granted.remove(key);
      untrack(model);
      if (!stale(room, now)) {
        sent.put(key, model);
        return true;
      }
      services.limiters().release(model, key);
    }
    if (asked.containsKey(key) || outstanding.getOrDefault(model, 0) >= settings.maxAsks()) {
      return false;
    }
    asked.put(key, new Ask(model, now));
    outstanding.merge(model, 1, Integer::sum);
    services
        .limiters()
        .acquire(model, key, target.get().requests(), target.get().tokens(), replies);
    return false;
  }

  /** A limiter answered; returns whether an attempt got room (so the queue is routed again). */
  boolean answered(ProviderLimiter.Answer answer, Instant now) {
    if (answer instanceof ProviderLimiter.Waiting waiting) {
      if (asked.containsKey(waiting.key())) {
        waitingFor.put(waiting.model(), waiting.reason());
        meters.rateLimited(waiting.model().provider(), waiting.model().model());
      }
      return false;
    }
    ProviderLimiter.Granted grant = (ProviderLimiter.Granted) answer;
    if (grant.reason() == null) {
      waitingFor.remove(grant.model());
    } else {
      waitingFor.put(grant.model(), grant.reason());
    }
    Ask ask = asked.remove(grant.key());
    if (ask == null) {
      // Not asked for (any more): the attempt went, finished or was taken back meanwhile.
      if (!granted.containsKey(grant.key()) && !sent.containsKey(grant.key())) {
        services.limiters().release(grant.model(), grant.key());
      }
      return false;
    }
    granted.put(grant.key(), new Ask(ask.model(), now));
    return true;
  }

  /**
   * The attempt {@code key}, routed with room, came back to the queue unsent (its agent turned it
   * away): the room goes back, and it asks again when an agent could take it, so that its request
   * counts from when it is really sent.
   */
  void requeued(String key) {
    LimitedModel model = sent.remove(key);
    if (model != null) {
      services.limiters().release(model, key);
    }
  }

  /**
   * Gives back room held too long unused and asks again for what was asked long ago without answer
   * (its limiter may have restarted); called while work is queued.
   */
  void sweep(Instant now) {
    for (Iterator<Map.Entry<String, Ask>> it = granted.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Ask> held = it.next();
      if (stale(held.getValue(), now)) {
        it.remove();
        untrack(held.getValue().model());
        services.limiters().release(held.getValue().model(), held.getKey());
      }
    }
    Duration reask = settings.reaskAfter();
    for (Map.Entry<String, Ask> ask : asked.entrySet()) {
      if (!now.isBefore(ask.getValue().at().plus(reask))) {
        ask.setValue(new Ask(ask.getValue().model(), now));
        targets
            .getOrDefault(ask.getKey(), Optional.empty())
            .ifPresent(
                target ->
                    services
                        .limiters()
                        .acquire(
                            ask.getValue().model(),
                            ask.getKey(),
                            target.requests(),
                            target.tokens(),
                            replies));
      }
    }
  }

  /**
   * The attempt {@code key} is done here (finished after {@code tries} requests, or taken back):
   * the room it used counts its real requests and tokens, room it did not use is given back.
   */
  void done(String key, int tries, Usage usage) {
    targets.remove(key);
    LimitedModel used = sent.remove(key);
    if (used != null) {
      services.limiters().settle(used, key, tries, usage.promptTokens() + usage.completionTokens());
    }
    Ask ask = asked.remove(key);
    if (ask == null) {
      ask = granted.remove(key);
    }
    if (ask != null) {
      untrack(ask.model());
      services.limiters().release(ask.model(), key);
    }
  }

  /** Queued attempts that wait for a provider's rate limit, counted by reason. */
  Map<String, Integer> waiting(DispatcherState state) {
    Map<String, Integer> reasons = new TreeMap<>();
    if (waitingFor.isEmpty()) {
      return reasons;
    }
    for (String key : state.queuedKeys()) {
      target(state.entry(key).assignment())
          .map(target -> waitingFor.get(model(target)))
          .ifPresent(reason -> reasons.merge(reason, 1, Integer::sum));
    }
    return reasons;
  }

  private Optional<LlmTarget> target(Assignment assignment) {
    // Most queues serve no llm capability: they keep nothing here.
    if (services.targets() == null || !services.targets().covers(assignment.capability())) {
      return Optional.empty();
    }
    return targets.computeIfAbsent(
        assignment.idempotencyKey(),
        key ->
            services
                .targets()
                .target(assignment.capability(), assignment.model(), assignment.input())
                .filter(target -> target.limit().limited()));
  }

  /** The provider {@code assignment}'s model is called through; null for no model call. */
  String provider(Assignment assignment) {
    if (services.targets() == null) {
      return null;
    }
    return services
        .targets()
        .target(assignment.capability(), assignment.model(), assignment.input())
        .map(LlmTarget::provider)
        .orElse(null);
  }

  private boolean stale(Ask room, Instant now) {
    return now.isAfter(room.at().plus(settings.permitHold()));
  }

  private void untrack(LimitedModel model) {
    outstanding.computeIfPresent(model, (m, n) -> n <= 1 ? null : n - 1);
  }

  private static LimitedModel model(LlmTarget target) {
    return new LimitedModel(target.provider(), target.model());
  }
}
