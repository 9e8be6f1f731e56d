package dev.lattice.orchestrator.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.tls.ClusterTls;
import dev.lattice.persistence.journal.H2JournalServer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lattice seed}: the first node of a cluster, optionally hosting its journal. */
@Command(
    name = "seed",
    mixinStandardHelpOptions = true,
    description = {
      "Start the first node of a cluster; members join it with `lattice join --seed HOST:PORT`.",
      "With --journal-server it also hosts the shared journal (an H2 TCP server over its data"
          + " directory) and prints the URL members pass as --journal; over TLS when the cluster"
          + " uses TLS (--cluster-key-store)."
    })
public final class SeedCommand implements Callable<Integer> {
  /** Where a seed listens for other nodes unless told otherwise: Pekko's usual port. */
  static final HostAndPort DEFAULT_REMOTE = new HostAndPort("127.0.0.1", 2552);

  /** Where its API listens unless told otherwise, as {@code lattice up}'s. */
  static final HostAndPort DEFAULT_HTTP = new HostAndPort("127.0.0.1", 8080);

  /** H2's usual TCP port. */
  static final int DEFAULT_JOURNAL_PORT = 9092;

  @Spec CommandSpec spec;

  @Mixin ClusterNodeOptions node;

  @Option(
      names = "--journal-server",
      paramLabel = "PORT",
      arity = "0..1",
      fallbackValue = "" + DEFAULT_JOURNAL_PORT,
      description =
          "Host the shared journal: an H2 TCP server on the --remote host and this port (default"
              + " 9092, 0 = a free port) over the data directory. For clusters on one machine or a"
              + " trusted network; PostgreSQL otherwise.")
  Integer journalServer;

  @Override
  public Integer call() {
    HostAndPort remote;
    HostAndPort http;
    Config config;
    try {
      if (journalServer != null && node.journal != null) {
        throw new IllegalArgumentException("--journal-server and --journal exclude each other");
      }
      remote = node.remote(DEFAULT_REMOTE);
      http = node.http(DEFAULT_HTTP);
      // Checked before a journal server starts for nothing.
      config = node.config(remote, List.of(remote));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    H2JournalServer server =
        journalServer == null ? null : startJournalServer(remote.host(), clusterTls(config));
    // Closed after the node's last journal write: the node has terminated when this runs.
    Runnable stopServer = server == null ? () -> {} : server::close;
    Lattice lattice;
    try {
      lattice =
          Lattice.builder()
              .dataDirectory(node.data)
              .config(server == null ? config : onJournalServer(config, server))
              .start();
    } catch (RuntimeException e) {
      stopServer.run();
      throw e;
    }
    return NodeProcess.serve(lattice, http, stopServer);
  }

  /** The cluster's TLS as the options and configuration set it, if they do. */
  private static Optional<ClusterTls> clusterTls(Config config) {
    return ClusterTls.create(config.withFallback(Lattice.defaultConfig()));
  }

  /**
   * Starts the journal server; over TLS, with the seed's cluster key, when the cluster uses TLS
   * ({@code tls}), so that nothing between the nodes travels in the clear.
   */
  private H2JournalServer startJournalServer(String host, Optional<ClusterTls> tls) {
    Config defaults = Lattice.defaultConfig();
    // H2 serves TLS with the JVM's default context only.
    tls.ifPresent(ClusterTls::installJvmDefault);
    H2JournalServer server =
        H2JournalServer.start(
            host,
            journalServer,
            node.data,
            defaults.getString("lattice.persistence.h2.file-name"),
            defaults.getString("lattice.persistence.h2.options"),
            defaults.getString("lattice.persistence.h2.server-member-user"),
            tls.isPresent());
    // Where the password is, never the password itself.
    System.out.println(
        "journal server: "
            + server.memberUrl()
            + " (user "
            + server.member().user()
            + ", password in "
            + server.member().passwordFile().toAbsolutePath()
            + ")");
    return server;
  }

  /**
   * The seed's node on its own journal server, as a member like any other: the server's setup has
   * migrated the schema, which the member user could not.
   */
  private static Config onJournalServer(Config config, H2JournalServer server) {
    return ClusterNodeOptions.withJournal(config, server.memberUrl(), server.member())
        .withValue("lattice.persistence.migrate-on-start", ConfigValueFactory.fromAnyRef(false));
  }
}
