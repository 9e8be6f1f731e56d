package dev.lattice.orchestrator.ratelimit;

import org.apache.pekko.actor.typed.ActorRef;

/** Where dispatchers ask the limiter of a provider's model for room, wherever it lives. */
public interface ProviderLimiters {
  /**
   * Asks room for {@code requests} requests of the attempt {@code key}; the answer goes to {@code
   * replyTo}.
   */
  void acquire(
      LimitedModel model,
      String key,
      int requests,
      long tokens,
      ActorRef<ProviderLimiter.Answer> replyTo);

  /** The attempt {@code key} did not send its request. */
  void release(LimitedModel model, String key);

  /** The attempt {@code key} made {@code requests} requests using {@code tokens}. */
  void settle(LimitedModel model, String key, int requests, long tokens);
}
