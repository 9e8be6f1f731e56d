package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** {@code lattice.cluster}: how a node finds its cluster. */
class ClusterSettingsTest {

  @Test
  void bootstrapIsOffByDefault() {
    assertThat(
            FormationSettings.create(NodeConfig.assemble(ConfigFactory.empty(), null)).bootstrap())
        .isFalse();
  }

  @Test
  void refusesBootstrapTogetherWithSeedNodes() {
    var config =
        NodeConfig.assemble(
            ConfigFactory.parseString(
                "lattice.cluster.bootstrap = on\n"
                    + "pekko.cluster.seed-nodes = [\"pekko://lattice@10.0.0.1:25520\"]"),
            null);
    assertThatThrownBy(() -> FormationSettings.create(config))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("pekko.cluster.seed-nodes");
  }
}
