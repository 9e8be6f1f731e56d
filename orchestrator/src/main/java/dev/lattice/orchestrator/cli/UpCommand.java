package dev.lattice.orchestrator.cli;

import dev.lattice.orchestrator.http.HttpApi;
import dev.lattice.orchestrator.http.HttpSettings;
import dev.lattice.orchestrator.node.Lattice;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lattice up}: the embedded default, one node with both roles and an H2 file journal. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = "Start one node with both roles and an embedded H2 journal; stop with Ctrl-C.")
public final class UpCommand implements Callable<Integer> {
  /** The longest a stop may take before the process gives up waiting for it. */
  private static final long STOP_TIMEOUT_SECONDS = 60;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Directory of the journal (default: ${DEFAULT-VALUE}).",
      defaultValue = "data")
  Path data;

  @Option(
      names = "--http",
      paramLabel = "HOST:PORT",
      description =
          "Where the HTTP API listens (default: lattice.http.host and .port, 127.0.0.1:8080).")
  String http;

  @Override
  public Integer call() throws Exception {
    HostAndPort address = http == null ? null : HostAndPort.parse(http, "--http");
    Lattice lattice = Lattice.builder().dataDirectory(data).start();
    HttpApi.Server server;
    try {
      HttpSettings settings = HttpSettings.create(lattice.system().settings().config());
      server =
          HttpApi.start(
              lattice,
              address == null ? settings : settings.withAddress(address.host(), address.port()));
    } catch (RuntimeException e) {
      lattice.close();
      throw e;
    }
    AtomicBoolean reported = new AtomicBoolean();
    Runnable reportStopped =
        () -> {
          if (reported.compareAndSet(false, true)) {
            System.out.println("lattice stopped");
            System.out.flush();
          }
        };
    // Ctrl-C and SIGTERM run Pekko's coordinated shutdown in its own shutdown hook (shards hand
    // over, the journal closes after its last write). The JVM exits when every hook is done, so
    // this hook waits for the node to be gone before it says so.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    lattice
                        .system()
                        .getWhenTerminated()
                        .toCompletableFuture()
                        .get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    reportStopped.run();
                  } catch (Exception e) {
                    System.err.println("lattice: the node did not stop cleanly: " + e);
                  }
                },
                "lattice-stopped"));
    System.out.printf(
        "lattice is up: API %s, node %s, roles %s, journal %s%n",
        server.url(), lattice.address(), lattice.roles(), lattice.journal());
    System.out.println("press Ctrl-C to stop");
    System.out.flush();
    lattice.system().getWhenTerminated().toCompletableFuture().join();
    reportStopped.run();
    return 0;
  }
}
