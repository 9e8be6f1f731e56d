package dev.lattice.orchestrator.testing;

import dev.lattice.orchestrator.cli.LatticeMain;
import dev.lattice.persistence.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A cluster of separate JVMs on loopback, each started with the {@code lattice} command line as a
 * user would: a seed hosting the shared journal (an H2 TCP server), and members joining it. Every
 * process is stopped on {@link #close()}.
 */
public final class LocalCluster implements AutoCloseable {
  /** Starting a JVM, forming the cluster and registering agents, on a loaded 2-core machine. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC");

  /** One node: its process and where it listens. */
  public record Node(String name, ChildJvm jvm, int remotePort, int httpPort, Path log) {
    public String api() {
      return "http://127.0.0.1:" + httpPort;
    }
  }

  /** Node logs are kept here (the build's output), so that a failed run can be read afterwards. */
  private static final Path LOGS = Path.of("target", "cluster-logs");

  private final Path directory;
  private final String logPrefix = Long.toString(System.currentTimeMillis());
  private final int seedPort;
  private final int journalPort;
  private final boolean tls;
  private final Map<String, Node> nodes = new ConcurrentHashMap<>();

  private LocalCluster(Path directory, int seedPort, int journalPort, boolean tls) {
    this.directory = directory;
    this.seedPort = seedPort;
    this.journalPort = journalPort;
    this.tls = tls;
  }

  /** Starts the seed (both roles, hosting the journal) and waits until it is up. */
  public static LocalCluster startSeed(Path directory) throws IOException {
    return startSeed(directory, "orchestrator,worker", List.of());
  }

  /**
   * Starts the seed with {@code roles}, hosting the journal, with {@code options} added to its
   * command line, and waits until it is up. With {@code --cluster-key-store} among them the cluster
   * runs over TLS, its journal server too.
   */
  public static LocalCluster startSeed(Path directory, String roles, List<String> options)
      throws IOException {
    LocalCluster cluster =
        new LocalCluster(
            directory, FreePorts.next(), FreePorts.next(), options.contains("--cluster-key-store"));
    try {
      List<String> command = new ArrayList<>();
      command.addAll(
          List.of(
              "seed", "--journal-server", Integer.toString(cluster.journalPort), "--roles", roles));
      command.addAll(options);
      cluster.launch("seed", cluster.seedPort, command, List.of());
      cluster.awaitUp("seed");
      return cluster;
    } catch (IOException | RuntimeException | Error e) {
      cluster.closeAfter(e);
      throw e;
    }
  }

  /**
   * Stops every node after {@code failure} kept the cluster from its caller, who therefore cannot
   * close it; what goes wrong while stopping is added to {@code failure}.
   */
  public void closeAfter(Throwable failure) {
    try {
      close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure.addSuppressed(e);
    } catch (RuntimeException | Error e) {
      failure.addSuppressed(e);
    }
  }

  /** Starts a member named {@code name} with {@code roles} joining the seed (not waiting). */
  public Node join(String name, String roles) throws IOException {
    return join(name, roles, List.of(), List.of());
  }

  /**
   * Starts a member named {@code name} with {@code roles} joining the seed, with {@code options}
   * added to its command line and {@code jvmOptions} to its JVM's (not waiting).
   */
  public Node join(String name, String roles, List<String> options, List<String> jvmOptions)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "join",
                "--seed",
                "127.0.0.1:" + seedPort,
                "--journal",
                journalUrl(),
                "--journal-user",
                JOURNAL_USER,
                "--journal-password-file",
                journalPasswordFile().toString(),
                "--name",
                name,
                "--roles",
                roles));
    command.addAll(options);
    return launch(name, FreePorts.next(), command, jvmOptions);
  }

  /** Waits until node {@code name} says it is up. */
  public Node awaitUp(String name) {
    Node node = nodes.get(name);
    node.jvm().awaitLine(line -> line.startsWith("lattice is up"), START_TIMEOUT);
    return node;
  }

  public Node node(String name) {
    return nodes.get(name);
  }

  /** The user members reach the seed's journal server as. */
  public static final String JOURNAL_USER = "lattice";

  /** The member user's password, written by the seed on its first start. */
  public Path journalPasswordFile() {
    return directory.resolve("seed").resolve("journal-member.password").toAbsolutePath();
  }

  /** The seed's data directory. */
  public Path seedData() {
    return directory.resolve("seed");
  }

  public int journalPort() {
    return journalPort;
  }

  /** The shared journal, reachable while the seed runs (over TLS when the cluster uses it). */
  public String journalUrl() {
    return (tls ? "jdbc:h2:ssl://" : "jdbc:h2:tcp://") + "127.0.0.1:" + journalPort + "/lattice";
  }

  private Node launch(String name, int remotePort, List<String> command, List<String> jvmOptions)
      throws IOException {
    int httpPort = FreePorts.next();
    Path data = Files.createDirectories(directory.resolve(name));
    List<String> args = new ArrayList<>(command);
    args.addAll(
        List.of(
            "--remote",
            "127.0.0.1:" + remotePort,
            "--http",
            "127.0.0.1:" + httpPort,
            "--data",
            data.toString()));
    if (!command.contains("--name")) {
      args.addAll(List.of("--name", name));
    }
    Path log = Files.createDirectories(LOGS).resolve(logPrefix + "-" + name + ".log");
    List<String> jvm = new ArrayList<>(JVM_OPTIONS);
    jvm.addAll(jvmOptions);
    ChildJvm process =
        ChildJvm.start(log, LatticeMain.class.getName(), jvm, args.toArray(String[]::new));
    Node node = new Node(name, process, remotePort, httpPort, log);
    nodes.put(name, node);
    return node;
  }

  @Override
  public void close() throws InterruptedException {
    // Members first, the seed (and with it the journal) last.
    for (Node node : nodes.values()) {
      if (!node.name().equals("seed")) {
        stop(node);
      }
    }
    Node seed = nodes.get("seed");
    if (seed != null) {
      stop(seed);
    }
  }

  private static void stop(Node node) throws InterruptedException {
    node.jvm().close();
    try {
      // Its output (the log lines) beside its error stream.
      Files.write(node.log(), node.jvm().lines(), StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
