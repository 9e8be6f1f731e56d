package dev.lattice.orchestrator.tls;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * TLS between the nodes of a cluster ({@code lattice.cluster.tls}): on when a key store is
 * configured. Pekko remoting then runs over Artery's {@code tls-tcp} transport with mutual
 * authentication: each side presents the certificate of its key store and accepts only peers whose
 * certificate its trust store vouches for, so a node without a certificate of the cluster's
 * authority can neither join nor be joined.
 *
 * <p>A seed's H2 journal server serves its clients over TLS with the same key, and members reach it
 * trusting the same store (see {@link #installJvmDefault()}).
 */
public final class ClusterTls {
  /** How the URL of an H2 journal server reached over TLS starts. */
  public static final String H2_TLS_URL = "jdbc:h2:ssl:";

  /** The key store the JVM's default context was set up from, once one was. */
  private static Path installedFrom;

  private final Path keyStore;
  private final char[] keyStorePassword;
  private final Path trustStore;
  private final char[] trustStorePassword;
  private final boolean hostnameVerification;
  private final KeyStore keys;
  private final KeyStore trusted;

  private ClusterTls(
      Path keyStore,
      char[] keyStorePassword,
      Path trustStore,
      char[] trustStorePassword,
      boolean hostnameVerification) {
    this.keyStore = keyStore.toAbsolutePath().normalize();
    this.keyStorePassword = keyStorePassword;
    this.trustStore = trustStore.toAbsolutePath().normalize();
    this.trustStorePassword = trustStorePassword;
    this.hostnameVerification = hostnameVerification;
    // Read now, so that a wrong file or password stops the node before it listens.
    this.keys = KeyStores.load(this.keyStore, keyStorePassword);
    if (!KeyStores.hasKey(keys)) {
      throw new TlsConfigException(
          "lattice.cluster.tls.key-store " + keyStore + " holds no private key");
    }
    if (PemFiles.isPem(trustStore)) {
      throw new TlsConfigException(
          "lattice.cluster.tls.trust-store "
              + trustStore
              + " is PEM; Pekko remoting reads key stores only: keytool -importcert -noprompt"
              + " -alias ca -file CA.pem -keystore truststore.p12 -storepass PASSWORD");
    }
    this.trusted = KeyStores.trusted(this.trustStore, trustStorePassword);
  }

  /**
   * The cluster's TLS as {@code root}'s {@code lattice.cluster.tls} configures it, or empty when no
   * key store is set.
   *
   * @throws TlsConfigException if a file is missing or unreadable, or a password wrong
   */
  public static Optional<ClusterTls> create(Config root) {
    Config c = root.getConfig("lattice.cluster.tls");
    String keyStore = c.getString("key-store");
    String trustStore = c.getString("trust-store");
    if (keyStore.isBlank() && trustStore.isBlank()) {
      return Optional.empty();
    }
    if (keyStore.isBlank() || trustStore.isBlank()) {
      throw new TlsConfigException(
          "lattice.cluster.tls: key-store and trust-store go together (each node presents its"
              + " key and checks its peers' certificates)");
    }
    return Optional.of(
        new ClusterTls(
            Path.of(keyStore),
            StorePassword.read(c, "key-store-password"),
            Path.of(trustStore),
            StorePassword.read(c, "trust-store-password"),
            c.getBoolean("hostname-verification")));
  }

  /**
   * Pekko's settings for it: the {@code tls-tcp} transport and its engine, with mutual
   * authentication always on.
   */
  public Config pekkoConfig() {
    String engine = "pekko.remote.artery.ssl.config-ssl-engine.";
    return ConfigFactory.parseMap(
        Map.of(
            "pekko.remote.artery.transport",
            "tls-tcp",
            "pekko.remote.artery.ssl.ssl-engine-provider",
            "org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider",
            engine + "key-store",
            keyStore.toString(),
            engine + "key-store-password",
            new String(keyStorePassword),
            // A PKCS#12 key has its store's password; a JKS key made by keytool too.
            engine + "key-password",
            new String(keyStorePassword),
            engine + "trust-store",
            trustStore.toString(),
            engine + "trust-store-password",
            new String(trustStorePassword),
            engine + "require-mutual-authentication",
            true,
            engine + "hostname-verification",
            hostnameVerification),
        "lattice.cluster.tls");
  }

  /**
   * Prepares the JVM for a journal at {@code journalUrl}: one reached over TLS ({@code
   * jdbc:h2:ssl:}) is trusted through the cluster's trust store, which must then be configured.
   */
  public static void trustJournal(Config root, String journalUrl) {
    if (!journalUrl.startsWith(H2_TLS_URL)) {
      return;
    }
    create(root)
        .orElseThrow(
            () ->
                new TlsConfigException(
                    "the journal "
                        + journalUrl
                        + " is reached over TLS, which needs the cluster's key and trust stores:"
                        + " set lattice.cluster.tls (lattice join --cluster-key-store FILE"
                        + " --cluster-trust-store FILE)"))
        .installJvmDefault();
  }

  /** Where the node's key and certificate are. */
  public Path keyStore() {
    return keyStore;
  }

  /**
   * Makes this node's key and the cluster's trust the JVM's default TLS context, which H2 uses for
   * {@code jdbc:h2:ssl:} connections and its TLS server (H2 takes no context of its own). The
   * context trusts the JDK's authorities as well, so that whatever else in the JVM uses the default
   * (calls to model providers over HTTPS) keeps working. Once per JVM: a second call with another
   * key store is refused.
   */
  public void installJvmDefault() {
    synchronized (ClusterTls.class) {
      if (installedFrom != null) {
        if (!installedFrom.equals(keyStore)) {
          throw new TlsConfigException(
              "this JVM's default TLS context is already that of " + installedFrom);
        }
        return;
      }
      SSLContext context =
          SslContexts.create(keys, keyStorePassword, KeyStores.withDefaultAuthorities(trusted));
      SSLContext.setDefault(context);
      // H2 otherwise writes a key store of its own (with a well-known key) into the user's home
      // directory and points this property at it. The JDK reads it only to build a default
      // context, which is set above.
      if (System.getProperty("javax.net.ssl.keyStore") == null) {
        System.setProperty("javax.net.ssl.keyStore", keyStore.toString());
      }
      installedFrom = keyStore;
    }
  }

  @Override
  public String toString() {
    return "ClusterTls[keyStore=" + keyStore + ", trustStore=" + trustStore + "]";
  }
}
