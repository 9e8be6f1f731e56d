package dev.lattice.orchestrator.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.orchestrator.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the TLS files an operator gives, and the errors a wrong one gets. */
class KeyStoresTest {
  private static final char[] PASSWORD = "in-memory".toCharArray();

  @TempDir Path directory;

  private final TestPki.Authority authority = TestPki.authority("Test CA");

  @Test
  void holdsAPemKeyWithItsWholeChain() throws Exception {
    TestPki.Issued node = authority.issue("node", "localhost", "127.0.0.1");
    node.writePem(directory.resolve("chain.pem"), directory.resolve("key.pem"));

    KeyStore store =
        KeyStores.fromPem(directory.resolve("chain.pem"), directory.resolve("key.pem"), PASSWORD);

    assertThat(store.getKey(KeyStores.KEY_ALIAS, PASSWORD)).isEqualTo(node.key());
    assertThat(store.getCertificateChain(KeyStores.KEY_ALIAS))
        .containsExactly(node.chain().toArray(X509Certificate[]::new));
  }

  @Test
  void refusesAKeyThatIsNotTheCertificates() {
    authority
        .issue("a", "localhost")
        .writePem(directory.resolve("a.pem"), directory.resolve("a.key"));
    authority
        .issue("b", "localhost")
        .writePem(directory.resolve("b.pem"), directory.resolve("b.key"));

    assertThatThrownBy(
            () ->
                KeyStores.fromPem(directory.resolve("a.pem"), directory.resolve("b.key"), PASSWORD))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("is not the key of the first certificate")
        .hasMessageContaining("CN=a");
  }

  @Test
  void refusesAnOldStyleKeyWithTheCommandThatConvertsIt() throws Exception {
    authority
        .issue("a", "localhost")
        .writePem(directory.resolve("a.pem"), directory.resolve("a.key"));
    Path pkcs1 = directory.resolve("rsa.key");
    Files.writeString(
        pkcs1,
        "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK==\n-----END RSA PRIVATE KEY-----\n");
    Path encrypted = directory.resolve("encrypted.key");
    Files.writeString(
        encrypted,
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBOgIBAAJBAK==\n-----END ENCRYPTED PRIVATE KEY-----\n");

    assertThatThrownBy(() -> KeyStores.fromPem(directory.resolve("a.pem"), pkcs1, PASSWORD))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    assertThatThrownBy(() -> KeyStores.fromPem(directory.resolve("a.pem"), encrypted, PASSWORD))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("encrypted private key");
  }

  @Test
  void opensAKeyStoreAndSaysSoWhenThePasswordIsWrong() throws Exception {
    Path file = directory.resolve("node.p12");
    authority.issue("node", "localhost").writeKeyStore(file, "right-password");

    assertThat(KeyStores.hasKey(KeyStores.load(file, "right-password".toCharArray()))).isTrue();
    assertThatThrownBy(() -> KeyStores.load(file, "wrong-password".toCharArray()))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("password was incorrect")
        .hasMessageNotContaining("right-password");
  }

  @Test
  void trustsAPemBundleOrAKeyStore() throws Exception {
    Path pem = directory.resolve("ca.pem");
    Path store = directory.resolve("trust.p12");
    authority.writeCertificate(pem);
    authority.writeTrustStore(store, "trust-password");

    for (KeyStore trusted :
        new KeyStore[] {
          KeyStores.trusted(pem, new char[0]),
          KeyStores.trusted(store, "trust-password".toCharArray())
        }) {
      assertThat(trusted.getCertificateAlias(authority.certificate())).isNotNull();
    }
  }

  @Test
  void namesTheMissingFile() {
    Path missing = directory.resolve("missing.pem");
    assertThatThrownBy(() -> KeyStores.trusted(missing, new char[0]))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("cannot read the trusted certificates file " + missing);
  }

  @Test
  void addsTheJdksAuthoritiesToTheClusters() throws Exception {
    Path pem = directory.resolve("ca.pem");
    authority.writeCertificate(pem);

    KeyStore both = KeyStores.withDefaultAuthorities(KeyStores.trusted(pem, new char[0]));

    assertThat(both.getCertificateAlias(authority.certificate())).isNotNull();
    assertThat(both.size()).isGreaterThan(10);
  }
}
