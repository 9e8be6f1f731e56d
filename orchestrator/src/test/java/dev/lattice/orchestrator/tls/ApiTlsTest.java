package dev.lattice.orchestrator.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.TestPki;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code lattice.http.tls} turns HTTPS on, and what it refuses. */
class ApiTlsTest {
  @TempDir Path directory;

  @Test
  void isOffByDefault() {
    assertThat(ApiTls.create(Lattice.defaultConfig())).isEmpty();
  }

  @Test
  void isOnWithAPemCertificateAndKey() {
    TestPki.authority("CA")
        .issue("api", "localhost")
        .writePem(directory.resolve("api.pem"), directory.resolve("api.key"));

    assertThat(
            ApiTls.create(
                tls(
                    "certificate = \""
                        + directory.resolve("api.pem")
                        + "\", private-key = \""
                        + directory.resolve("api.key")
                        + "\"")))
        .isPresent();
  }

  @Test
  void refusesACertificateWithoutItsKeyOrTwoKindsOfKey() {
    assertThatThrownBy(() -> ApiTls.create(tls("certificate = \"/etc/api.pem\"")))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("certificate and private-key go together");
    assertThatThrownBy(
            () -> ApiTls.create(tls("certificate = \"/etc/a.pem\", key-store = \"/etc/a.p12\"")))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("not both");
  }

  @Test
  void refusesAKeyStoreWithoutAKey() {
    Path trustOnly = directory.resolve("trust.p12");
    TestPki.authority("CA").writeTrustStore(trustOnly, "password");

    assertThatThrownBy(
            () ->
                ApiTls.create(
                    tls("key-store = \"" + trustOnly + "\", key-store-password = password")))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("holds no private key");
  }

  private static Config tls(String settings) {
    return ConfigFactory.parseString("lattice.http.tls { " + settings + " }")
        .withFallback(Lattice.defaultConfig());
  }
}
