package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.ratelimit.LimitedModel;
import dev.lattice.orchestrator.ratelimit.ProviderLimiter;
import dev.lattice.protocol.agent.RateObservation;
import dev.lattice.worker.action.llm.RateReports;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Passes what providers' rate-limit headers say straight to the limiter of the provider's model,
 * wherever in the cluster it lives. Nothing is recorded: an observation lost on its way only leaves
 * the limiter to its own counts until the next answer.
 */
final class LimiterReports implements RateReports {
  @Override
  public void observed(ActorSystem<?> system, RateObservation observation) {
    LimitedModel model = new LimitedModel(observation.provider(), observation.model());
    ClusterSharding.get(system)
        .entityRefFor(ProviderLimiter.ENTITY_TYPE_KEY, model.entityId())
        .tell(new ProviderLimiter.Observe(observation));
  }
}
