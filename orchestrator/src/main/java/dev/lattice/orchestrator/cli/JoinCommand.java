package dev.lattice.orchestrator.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import dev.lattice.orchestrator.node.Lattice;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lattice join}: a member of the cluster of a seed, on the cluster's shared journal. */
@Command(
    name = "join",
    mixinStandardHelpOptions = true,
    description =
        "Start a member of the cluster whose seed listens at --seed, on the cluster's shared"
            + " journal.")
public final class JoinCommand implements Callable<Integer> {
  /** A member listens on a free port unless told otherwise, so several fit on one machine. */
  static final HostAndPort DEFAULT_REMOTE = new HostAndPort("127.0.0.1", 0);

  static final HostAndPort DEFAULT_HTTP = new HostAndPort("127.0.0.1", 0);

  /** How the URL of an H2 journal server, such as a seed's, starts: plain, or over TLS. */
  private static final List<String> H2_SERVER_URLS = List.of("jdbc:h2:tcp:", "jdbc:h2:ssl:");

  @Spec CommandSpec spec;

  @Mixin ClusterNodeOptions node;

  @Option(
      names = "--seed",
      required = true,
      paramLabel = "HOST:PORT",
      split = ",",
      description =
          "The seed's remoting address (its --remote); several, comma-separated, to try in turn.")
  List<String> seeds;

  @Override
  public Integer call() {
    List<HostAndPort> seedAddresses;
    HostAndPort remote;
    Config config;
    try {
      seedAddresses = seeds.stream().map(s -> HostAndPort.parse(s, "--seed")).toList();
      remote = node.remote(DEFAULT_REMOTE);
      config = node.config(remote, seedAddresses);
      // Set by --journal or wherever a node's configuration comes from (environment,
      // application.conf, system properties).
      Config jdbc =
          config.withFallback(Lattice.defaultConfig()).getConfig("lattice.persistence.jdbc");
      String journalUrl = jdbc.getString("url");
      if (journalUrl.isBlank()) {
        throw new IllegalArgumentException(
            "a member needs the cluster's shared journal: --journal jdbc:h2:tcp://HOST:PORT/lattice"
                + " (printed by `lattice seed --journal-server`) or jdbc:postgresql://HOST:PORT/DB");
      }
      if (H2_SERVER_URLS.stream().anyMatch(journalUrl::startsWith)) {
        config = onJournalServer(config, jdbc);
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Lattice lattice = Lattice.builder().dataDirectory(node.data).config(config).start();
    return NodeProcess.serve(lattice, node.http(DEFAULT_HTTP), () -> {});
  }

  /**
   * A member of an H2 journal server reaches it as a user that may read and write rows but not
   * create tables, so it checks the schema the seed migrated instead of migrating it.
   */
  private static Config onJournalServer(Config config, Config jdbc) {
    if (jdbc.getString("user").isBlank()
        || (jdbc.getString("password").isEmpty() && jdbc.getString("password-file").isBlank())) {
      throw new IllegalArgumentException(
          "a member of a seed's journal server needs its user and password: --journal-user lattice"
              + " --journal-password-file SEED-DATA/journal-member.password (printed by the seed)");
    }
    return config.withValue(
        "lattice.persistence.migrate-on-start", ConfigValueFactory.fromAnyRef(false));
  }
}
