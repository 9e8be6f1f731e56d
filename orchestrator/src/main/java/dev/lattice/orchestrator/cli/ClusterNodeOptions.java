package dev.lattice.orchestrator.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import dev.lattice.persistence.journal.JournalCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What {@code lattice seed} and {@code lattice join} have in common: where the node listens, where
 * its journal is, its name, its roles and its TLS files. Options left out come from configuration
 * and the environment ({@code LATTICE_NODE_NAME}, {@code LATTICE_JOURNAL_URL}, ...).
 */
final class ClusterNodeOptions {
  /** The cluster's actor system name: part of every node's address. */
  static final String SYSTEM = "lattice";

  @Option(
      names = "--remote",
      paramLabel = "HOST:PORT",
      description =
          "Where the node listens for other nodes (cluster remoting); port 0 = a free port."
              + " Others must reach it at this address.")
  String remote;

  @Option(
      names = "--http",
      paramLabel = "HOST:PORT",
      description = "Where the HTTP API listens (orchestrator nodes only; port 0 = a free port).")
  String http;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "The node's data directory (default: ${DEFAULT-VALUE}).",
      defaultValue = "data")
  Path data;

  @Option(
      names = "--journal",
      paramLabel = "JDBC-URL",
      description =
          "The shared journal: jdbc:h2:tcp://HOST:PORT/lattice (a seed's journal server;"
              + " jdbc:h2:ssl://... over TLS, with the cluster's TLS files) or"
              + " jdbc:postgresql://HOST:PORT/DB (default: lattice.persistence.jdbc.url,"
              + " LATTICE_JOURNAL_URL).")
  String journal;

  @Option(
      names = "--journal-user",
      paramLabel = "USER",
      description =
          "The journal's database user (default: lattice.persistence.jdbc.user,"
              + " LATTICE_JOURNAL_USER); a seed's journal server's is printed by the seed.")
  String journalUser;

  @Option(
      names = "--journal-password-file",
      paramLabel = "FILE",
      description =
          "A file holding the journal user's password (default: LATTICE_JOURNAL_PASSWORD_FILE, or"
              + " the password itself in LATTICE_JOURNAL_PASSWORD); a seed's journal server"
              + " writes it to SEED-DATA/journal-member.password. Never on the command line,"
              + " where other users see it.")
  Path journalPasswordFile;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description =
          "The node's name, unique in the cluster and stable across its restarts: its agents'"
              + " ids start with it (default: LATTICE_NODE_NAME, else HOST-PORT of --remote).")
  String name;

  @Option(
      names = "--roles",
      paramLabel = "ROLE[,ROLE]",
      split = ",",
      description =
          "orchestrator (runs, dispatchers, HTTP API) and/or worker (agents); default both.")
  List<String> roles = List.of("orchestrator", "worker");

  @Mixin AuthOptions auth;

  @Mixin LogOptions logging;

  @Option(
      names = "--cluster-key-store",
      paramLabel = "FILE",
      description =
          "TLS between nodes, with mutual authentication: this node's private key and certificate"
              + " chain (PKCS#12 or JKS). Needs --cluster-trust-store; every node of the cluster"
              + " must use TLS (default: lattice.cluster.tls.key-store,"
              + " LATTICE_CLUSTER_TLS_KEY_STORE).")
  Path clusterKeyStore;

  @Option(
      names = "--cluster-trust-store",
      paramLabel = "FILE",
      description =
          "The certificate authorities (PKCS#12 or JKS) that other nodes' certificates must be"
              + " signed by (default: lattice.cluster.tls.trust-store,"
              + " LATTICE_CLUSTER_TLS_TRUST_STORE).")
  Path clusterTrustStore;

  @Option(
      names = "--cluster-password-file",
      paramLabel = "FILE",
      description =
          "A file holding the password of both --cluster-key-store and --cluster-trust-store"
              + " (default: lattice.cluster.tls.*-password-file).")
  Path clusterPasswordFile;

  /** The remoting address, with a free port chosen now when asked for port 0. */
  HostAndPort remote(HostAndPort fallback) {
    HostAndPort address = remote == null ? fallback : HostAndPort.parse(remote, "--remote");
    // Chosen here rather than by Pekko, so that the node's default name can include it.
    return address.port() == 0 ? new HostAndPort(address.host(), freePort()) : address;
  }

  HostAndPort http(HostAndPort fallback) {
    return http == null ? fallback : HostAndPort.parse(http, "--http");
  }

  /** The node's configuration overrides for {@code remote} and {@code seeds}. */
  Config config(HostAndPort remote, List<HostAndPort> seeds) {
    for (String role : roles) {
      if (!role.equals("orchestrator") && !role.equals("worker")) {
        throw new IllegalArgumentException(
            "--roles takes orchestrator and/or worker, not '" + role + "'");
      }
    }
    Config config =
        ConfigFactory.empty()
            .withValue(
                "pekko.remote.artery.canonical.hostname",
                ConfigValueFactory.fromAnyRef(remote.host()))
            .withValue(
                "pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(remote.port()))
            .withValue(
                "pekko.cluster.seed-nodes",
                ConfigValueFactory.fromIterable(
                    seeds.stream()
                        .map(s -> "pekko://" + SYSTEM + "@" + s.host() + ":" + s.port())
                        .toList()))
            .withValue("lattice.node.roles", ConfigValueFactory.fromIterable(roles))
            .withValue("lattice.node.name", ConfigValueFactory.fromAnyRef(name(remote)))
            .withFallback(logging.config())
            .withFallback(auth.config());
    if (journalUser != null) {
      config =
          config.withValue(
              "lattice.persistence.jdbc.user", ConfigValueFactory.fromAnyRef(journalUser));
    }
    if (journalPasswordFile != null) {
      if (!Files.isReadable(journalPasswordFile)) {
        throw new IllegalArgumentException(
            "--journal-password-file: cannot read " + journalPasswordFile);
      }
      config =
          config.withValue(
              "lattice.persistence.jdbc.password-file",
              ConfigValueFactory.fromAnyRef(journalPasswordFile.toAbsolutePath().toString()));
    }
    config = withClusterTls(config);
    return journal == null ? config : withJournal(config, journal);
  }

  /** {@code config} with the TLS files of the options given, checked to be readable. */
  private Config withClusterTls(Config config) {
    String tls = "lattice.cluster.tls.";
    if (clusterKeyStore != null) {
      config = config.withValue(tls + "key-store", path(clusterKeyStore, "--cluster-key-store"));
    }
    if (clusterTrustStore != null) {
      config =
          config.withValue(tls + "trust-store", path(clusterTrustStore, "--cluster-trust-store"));
    }
    if (clusterPasswordFile != null) {
      ConfigValue file = path(clusterPasswordFile, "--cluster-password-file");
      config =
          config
              .withValue(tls + "key-store-password-file", file)
              .withValue(tls + "trust-store-password-file", file);
    }
    return config;
  }

  private static ConfigValue path(Path file, String option) {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(option + ": cannot read " + file);
    }
    return ConfigValueFactory.fromAnyRef(file.toAbsolutePath().toString());
  }

  /** {@code config} with the journal at {@code url}, reached as {@code credentials}. */
  static Config withJournal(Config config, String url, JournalCredentials credentials) {
    return withJournal(config, url)
        .withValue(
            "lattice.persistence.jdbc.user", ConfigValueFactory.fromAnyRef(credentials.user()))
        .withValue(
            "lattice.persistence.jdbc.password",
            ConfigValueFactory.fromAnyRef(credentials.password()));
  }

  /** {@code config} with the journal at {@code url}. */
  static Config withJournal(Config config, String url) {
    return config.withValue("lattice.persistence.jdbc.url", ConfigValueFactory.fromAnyRef(url));
  }

  private String name(HostAndPort remote) {
    if (name != null) {
      return name;
    }
    String fromEnvironment = System.getenv().getOrDefault("LATTICE_NODE_NAME", "");
    if (!fromEnvironment.isBlank()) {
      return fromEnvironment;
    }
    // Agent ids are NODE.AGENT: the name must not contain dots.
    return (remote.host() + "-" + remote.port()).replaceAll("[^A-Za-z0-9-]", "-");
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port", e);
    }
  }
}
