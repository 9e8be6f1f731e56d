package dev.lattice.orchestrator.node;

import com.typesafe.config.Config;

/**
 * The {@code lattice.cluster.bootstrap} setting: how a node finds its cluster.
 *
 * @param bootstrap whether Pekko Management's endpoint and Cluster Bootstrap start, finding the
 *     other nodes through Pekko Discovery, instead of {@code pekko.cluster.seed-nodes}
 */
public record FormationSettings(boolean bootstrap) {

  /**
   * @throws IllegalStateException if bootstrap is on and seed nodes are configured as well
   */
  public static FormationSettings create(Config config) {
    FormationSettings settings =
        new FormationSettings(config.getBoolean("lattice.cluster.bootstrap"));
    if (settings.bootstrap() && !config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
      // Both would race to join; which one won would depend on timing.
      throw new IllegalStateException(
          "lattice.cluster.bootstrap is on and pekko.cluster.seed-nodes is set: use one of them");
    }
    return settings;
  }
}
