package dev.lattice.orchestrator.node;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;

/**
 * How a node becomes a member of its cluster. With {@code lattice.cluster.bootstrap} on, Pekko
 * Management's HTTP endpoint starts ({@code pekko.management.http}) and Cluster Bootstrap finds the
 * other nodes through Pekko Discovery ({@code
 * pekko.management.cluster.bootstrap.contact-point-discovery}): it joins the cluster they form, or
 * forms one with them. Otherwise the node joins {@code pekko.cluster.seed-nodes} (Pekko does that
 * by itself) or, with none configured, forms a cluster of its own.
 */
final class ClusterFormation {
  private ClusterFormation() {}

  /**
   * Starts joining.
   *
   * @return completes once joining is under way: at once, or when the management endpoint listens
   */
  static CompletionStage<Void> start(ActorSystem<?> system, FormationSettings settings) {
    if (settings.bootstrap()) {
      return bootstrap(system);
    }
    if (system.settings().config().getStringList("pekko.cluster.seed-nodes").isEmpty()) {
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    return CompletableFuture.completedFuture(null);
  }

  private static CompletionStage<Void> bootstrap(ActorSystem<?> system) {
    var classic = system.classicSystem();
    // Bootstrap learns this node's own contact point from the management endpoint and probes the
    // others' endpoints, so the endpoint starts first; a port that cannot be bound stops here.
    return PekkoManagement.get(classic)
        .start()
        .handle(
            (uri, failure) -> {
              if (failure != null) {
                throw new IllegalStateException(
                    "Pekko Management could not start (pekko.management.http): "
                        + Failures.cause(failure).getMessage(),
                    failure);
              }
              ClusterBootstrap.get(classic).start();
              return null;
            });
  }
}
