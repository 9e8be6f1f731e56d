package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.cluster.MemberRoles;
import dev.lattice.orchestrator.http.HttpSettings;
import dev.lattice.orchestrator.testing.KubernetesDeployment;
import dev.lattice.persistence.journal.JournalDatabase;
import dev.lattice.persistence.journal.PersistenceSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes/application.conf, assembled as a node in a pod assembles it: bootstrap through
 * the Kubernetes API, the PostgreSQL journal from the pod's environment, keep-majority downing, the
 * API on every interface and remoting on the pod's IP.
 */
class KubernetesConfigTest {
  private static final Map<String, String> POD = KubernetesDeployment.WORKER_POD_ENVIRONMENT;

  private static Config node(Map<String, String> environment) {
    return NodeConfig.assemble(
        KubernetesDeployment.applicationConf().withFallback(ConfigFactory.parseMap(environment)),
        null);
  }

  @Test
  void joinsThroughClusterBootstrapWithKubernetesApiDiscovery() {
    Config config = node(POD);
    assertThat(FormationSettings.create(config).bootstrap()).isTrue();
    assertThat(config.getStringList("pekko.cluster.seed-nodes")).isEmpty();
    Config discovery =
        config.getConfig("pekko.management.cluster.bootstrap.contact-point-discovery");
    assertThat(discovery.getString("discovery-method")).isEqualTo("kubernetes-api");
    assertThat(discovery.getString("service-name")).isEqualTo("lattice");
    assertThat(discovery.getString("port-name")).isEqualTo("management");
    assertThat(discovery.getInt("required-contact-point-nr")).isGreaterThanOrEqualTo(2);
    assertThat(config.getString("pekko.discovery.kubernetes-api.pod-label-selector"))
        .contains("%s");
  }

  @Test
  void nodesReachEachOtherAtThePodIp() {
    Config config = node(POD);
    assertThat(config.getString("pekko.remote.artery.canonical.hostname")).isEqualTo("10.1.2.3");
    assertThat(config.getInt("pekko.remote.artery.canonical.port")).isPositive();
    assertThat(config.getString("pekko.management.http.hostname")).isEqualTo("10.1.2.3");
    assertThat(config.getInt("pekko.management.http.port")).isPositive();
    assertThat(config.getString("pekko.management.http.bind-hostname")).isEqualTo("0.0.0.0");
    assertThat(HttpSettings.create(config).host()).isEqualTo("0.0.0.0");
  }

  @Test
  void theApiAnswersToTheServicesNames() {
    // Bound to 0.0.0.0, the API serves only the names listed (and the loopback ones).
    assertThat(HttpSettings.create(node(POD)).allowedHosts())
        .contains("lattice-api", "lattice-api.lattice.svc.cluster.local")
        .doesNotContain("*");
  }

  @Test
  void downsWithTheSplitBrainResolversKeepMajority() {
    Config config = node(POD);
    assertThat(config.getString("pekko.cluster.downing-provider-class"))
        .isEqualTo("org.apache.pekko.cluster.sbr.SplitBrainResolverProvider");
    assertThat(config.getString("pekko.cluster.split-brain-resolver.active-strategy"))
        .isEqualTo("keep-majority");
  }

  @Test
  void theJournalIsThePodsPostgresql() {
    Config config = node(POD);
    JournalDatabase database = PersistenceSettings.create(config).database();
    assertThat(database.dialect()).isEqualTo(JournalDatabase.Dialect.POSTGRES);
    assertThat(database.url()).isEqualTo(POD.get("LATTICE_JOURNAL_URL"));
    assertThat(config.getString("lattice.persistence.jdbc.user")).isEqualTo("lattice");
    assertThat(config.getString("lattice.persistence.jdbc.password")).isEqualTo("secret");
  }

  @Test
  void theRolesAndNameComeFromThePod() {
    Config config = node(POD);
    assertThat(LatticeSettings.create(config).roles()).containsExactly("worker");
    assertThat(config.getStringList("pekko.cluster.roles"))
        .containsExactly("worker", MemberRoles.nameRole("lattice-worker-0"));
    assertThat(config.getString("lattice.node.name")).isEqualTo("lattice-worker-0");
    // Forming a new cluster takes longer than the embedded default allows.
    assertThat(LatticeSettings.create(config).startTimeout()).isGreaterThan(Duration.ofMinutes(1));
  }

  @Test
  void aPodWithoutTheJournalSecretDoesNotStart() {
    assumeTrue(System.getenv("LATTICE_JOURNAL_URL") == null, "the journal URL is set here");
    Map<String, String> withoutSecret = new HashMap<>(POD);
    withoutSecret.remove("LATTICE_JOURNAL_URL");
    assertThatThrownBy(() -> node(withoutSecret))
        .isInstanceOf(ConfigException.UnresolvedSubstitution.class)
        .hasMessageContaining("LATTICE_JOURNAL_URL");
  }
}
