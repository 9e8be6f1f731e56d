package dev.lattice.orchestrator.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code lattice.cluster.tls} becomes Pekko's remoting settings. */
class ClusterTlsTest {
  @TempDir Path directory;

  @Test
  void isOffWithoutStores() {
    assertThat(ClusterTls.create(Lattice.defaultConfig())).isEmpty();
    assertThat(Lattice.defaultConfig().getString("pekko.remote.artery.transport")).isEqualTo("tcp");
  }

  @Test
  void turnsOnArteryTlsWithMutualAuthentication() throws Exception {
    Config config = stores("node-password", "trust-password");

    Config pekko =
        ClusterTls.create(config.withFallback(Lattice.defaultConfig())).orElseThrow().pekkoConfig();

    String engine = "pekko.remote.artery.ssl.config-ssl-engine.";
    assertThat(pekko.getString("pekko.remote.artery.transport")).isEqualTo("tls-tcp");
    assertThat(pekko.getBoolean(engine + "require-mutual-authentication")).isTrue();
    assertThat(pekko.getString(engine + "key-store"))
        .isEqualTo(directory.resolve("node.p12").toAbsolutePath().toString());
    assertThat(pekko.getString(engine + "key-store-password")).isEqualTo("node-password");
    assertThat(pekko.getString(engine + "key-password")).isEqualTo("node-password");
    assertThat(pekko.getString(engine + "trust-store-password")).isEqualTo("trust-password");
  }

  @Test
  void readsPasswordsFromFiles() throws Exception {
    Config config = stores("node-password", "trust-password");
    Path keyPassword = Files.writeString(directory.resolve("key.password"), "node-password\n");
    Path trustPassword = Files.writeString(directory.resolve("trust.password"), "trust-password");
    config =
        config
            .withValue("lattice.cluster.tls.key-store-password", ConfigValueFactory.fromAnyRef(""))
            .withValue(
                "lattice.cluster.tls.trust-store-password", ConfigValueFactory.fromAnyRef(""))
            .withValue(
                "lattice.cluster.tls.key-store-password-file",
                ConfigValueFactory.fromAnyRef(keyPassword.toString()))
            .withValue(
                "lattice.cluster.tls.trust-store-password-file",
                ConfigValueFactory.fromAnyRef(trustPassword.toString()));

    Config pekko =
        ClusterTls.create(config.withFallback(Lattice.defaultConfig())).orElseThrow().pekkoConfig();

    assertThat(pekko.getString("pekko.remote.artery.ssl.config-ssl-engine.key-store-password"))
        .isEqualTo("node-password");
  }

  @Test
  void refusesHalfAConfigurationAndAPemTrustStore() throws Exception {
    Config config = stores("node-password", "trust-password");
    Config keyOnly =
        config.withValue("lattice.cluster.tls.trust-store", ConfigValueFactory.fromAnyRef(""));
    assertThatThrownBy(() -> ClusterTls.create(keyOnly.withFallback(Lattice.defaultConfig())))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("key-store and trust-store go together");

    Path pem = directory.resolve("ca.pem");
    TestPki.authority("Other CA").writeCertificate(pem);
    Config pemTrust =
        config.withValue(
            "lattice.cluster.tls.trust-store", ConfigValueFactory.fromAnyRef(pem.toString()));
    assertThatThrownBy(() -> ClusterTls.create(pemTrust.withFallback(Lattice.defaultConfig())))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("keytool -importcert");
  }

  @Test
  void aWrongPasswordStopsTheNodeWithTheFilesName() throws Exception {
    Config config =
        stores("node-password", "trust-password")
            .withValue(
                "lattice.cluster.tls.key-store-password",
                ConfigValueFactory.fromAnyRef("not-its-password-x7"));
    assertThatThrownBy(() -> ClusterTls.create(config.withFallback(Lattice.defaultConfig())))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("node.p12")
        .hasMessageNotContaining("not-its-password-x7");
  }

  @Test
  void aJournalOverTlsNeedsTheClustersStores() {
    assertThatThrownBy(
            () -> ClusterTls.trustJournal(Lattice.defaultConfig(), "jdbc:h2:ssl://127.0.0.1:1/x"))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("--cluster-trust-store");
    // A plain journal needs nothing.
    ClusterTls.trustJournal(Lattice.defaultConfig(), "jdbc:h2:tcp://127.0.0.1:1/x");
  }

  private Config stores(String keyPassword, String trustPassword) {
    TestPki.Authority authority = TestPki.authority("Cluster CA");
    Path keyStore = directory.resolve("node.p12");
    Path trustStore = directory.resolve("trust.p12");
    authority.issue("node", "127.0.0.1").writeKeyStore(keyStore, keyPassword);
    authority.writeTrustStore(trustStore, trustPassword);
    return ConfigFactory.parseString(
        "lattice.cluster.tls { key-store = \""
            + keyStore
            + "\", key-store-password = \""
            + keyPassword
            + "\", trust-store = \""
            + trustStore
            + "\", trust-store-password = \""
            + trustPassword
            + "\" }");
  }
}
