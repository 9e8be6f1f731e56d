package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.ratelimit.LimitedModel;
import dev.lattice.orchestrator.ratelimit.ProviderLimiter;
import dev.lattice.orchestrator.ratelimit.ProviderLimiters;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/** Dispatchers reach each provider model's sharded limiter, wherever it lives. */
final class ShardedProviderLimiters implements ProviderLimiters {
  private final ClusterSharding sharding;

  ShardedProviderLimiters(ClusterSharding sharding) {
    this.sharding = sharding;
  }

  @Override
  public void acquire(
      LimitedModel model,
      String key,
      int requests,
      long tokens,
      ActorRef<ProviderLimiter.Answer> replyTo) {
    limiter(model).tell(new ProviderLimiter.Acquire(key, requests, tokens, replyTo));
  }

  @Override
  public void release(LimitedModel model, String key) {
    limiter(model).tell(new ProviderLimiter.Release(key));
  }

  @Override
  public void settle(LimitedModel model, String key, int requests, long tokens) {
    limiter(model).tell(new ProviderLimiter.Settle(key, requests, tokens));
  }

  private EntityRef<ProviderLimiter.Command> limiter(LimitedModel model) {
    return sharding.entityRefFor(ProviderLimiter.ENTITY_TYPE_KEY, model.entityId());
  }
}
