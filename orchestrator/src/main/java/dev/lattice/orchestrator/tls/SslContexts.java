package dev.lattice.orchestrator.tls;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** {@link SSLContext}s from key stores, with the JDK's defaults for protocols and ciphers. */
public final class SslContexts {
  /** TLS 1.3 and 1.2, as the JDK enables them; older versions are disabled by the JDK itself. */
  private static final String PROTOCOL = "TLS";

  private SslContexts() {}

  /** A context that presents the key of {@code keys} and trusts what {@code trusted} holds. */
  public static SSLContext create(KeyStore keys, char[] keyPassword, KeyStore trusted) {
    try {
      KeyManager[] keyManagers = null;
      if (keys != null) {
        KeyManagerFactory factory =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, keyPassword);
        keyManagers = factory.getKeyManagers();
      }
      TrustManager[] trustManagers = null;
      if (trusted != null) {
        TrustManagerFactory factory =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        trustManagers = factory.getTrustManagers();
      }
      SSLContext context = SSLContext.getInstance(PROTOCOL);
      context.init(keyManagers, trustManagers, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new TlsConfigException("cannot set up TLS with these keys: " + e.getMessage(), e);
    }
  }

  /** A client's context that trusts {@code trusted} only (and presents no certificate). */
  public static SSLContext trusting(KeyStore trusted) {
    return create(null, null, trusted);
  }
}
