package dev.lattice.orchestrator.tls;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * HTTPS for the HTTP API ({@code lattice.http.tls}): on when a certificate (PEM, with its private
 * key) or a key store is configured, off otherwise. The server presents that key; clients are not
 * asked for certificates (they prove who they are with credentials on each request).
 */
public final class ApiTls {
  /** The password of the in-memory key store a PEM key is held in; it never leaves the JVM. */
  private static final char[] IN_MEMORY = "lattice".toCharArray();

  private ApiTls() {}

  /**
   * The server's TLS context as {@code root}'s {@code lattice.http.tls} configures it, or empty for
   * plain HTTP.
   *
   * @throws TlsConfigException if the files are missing, unreadable or do not fit together
   */
  public static Optional<SSLContext> create(Config root) {
    Config c = root.getConfig("lattice.http.tls");
    String certificate = c.getString("certificate");
    String privateKey = c.getString("private-key");
    String keyStore = c.getString("key-store");
    if (certificate.isBlank() && privateKey.isBlank() && keyStore.isBlank()) {
      return Optional.empty();
    }
    if (!keyStore.isBlank()) {
      if (!certificate.isBlank() || !privateKey.isBlank()) {
        throw new TlsConfigException(
            "lattice.http.tls: set either certificate and private-key (PEM) or key-store, not both");
      }
      char[] password = StorePassword.read(c, "key-store-password");
      KeyStore store = KeyStores.load(Path.of(keyStore), password);
      if (!KeyStores.hasKey(store)) {
        throw new TlsConfigException(
            "lattice.http.tls.key-store " + keyStore + " holds no private key");
      }
      return Optional.of(SslContexts.create(store, password, null));
    }
    if (certificate.isBlank() || privateKey.isBlank()) {
      throw new TlsConfigException(
          "lattice.http.tls: certificate and private-key go together (PEM files)");
    }
    KeyStore store = KeyStores.fromPem(Path.of(certificate), Path.of(privateKey), IN_MEMORY);
    return Optional.of(SslContexts.create(store, IN_MEMORY, null));
  }
}
