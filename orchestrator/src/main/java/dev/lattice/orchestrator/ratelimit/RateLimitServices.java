package dev.lattice.orchestrator.ratelimit;

import dev.lattice.worker.action.llm.LlmTargets;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What dispatchers need to keep to model providers' rate limits.
 *
 * @param targets which provider and model an attempt will call
 * @param limiters the limiters of the providers' models
 * @param settings how grants are taken and held
 */
public record RateLimitServices(
    LlmTargets targets, ProviderLimiters limiters, RateLimitSettings settings) {

  /** No rate limits: no attempt has a target. */
  public static RateLimitServices none(RateLimitSettings settings) {
    return new RateLimitServices(null, NO_LIMITERS, settings);
  }

  private static final ProviderLimiters NO_LIMITERS =
      new ProviderLimiters() {
        @Override
        public void acquire(
            LimitedModel model,
            String key,
            int requests,
            long tokens,
            ActorRef<ProviderLimiter.Answer> replyTo) {
          replyTo.tell(new ProviderLimiter.Granted(model, key, null));
        }

        @Override
        public void release(LimitedModel model, String key) {}

        @Override
        public void settle(LimitedModel model, String key, int requests, long tokens) {}
      };
}
