package dev.lattice.orchestrator.cli;

import dev.lattice.orchestrator.http.HttpApi;
import dev.lattice.orchestrator.http.HttpSettings;
import dev.lattice.orchestrator.http.auth.AuthSettings;
import dev.lattice.orchestrator.mcp.McpSettings;
import dev.lattice.orchestrator.node.Lattice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A node run by the command line until it is stopped: the HTTP API on nodes with the orchestrator
 * role, one line saying where everything listens, and one saying it stopped.
 */
final class NodeProcess {
  /** The longest a stop may take before the process gives up waiting for it. */
  private static final long STOP_TIMEOUT_SECONDS = 60;

  private NodeProcess() {}

  /** Says how the API authenticates: off, or where the admin key is (never the key itself). */
  private static void announceAuthentication(Lattice lattice, HttpApi.Server server) {
    if (!AuthSettings.create(lattice.system().settings().config()).enabled()) {
      System.out.println(
          "WARNING: authentication is off (--no-auth): whoever reaches the API may do anything");
      return;
    }
    Path file = server.auth().adminKeyFile().toAbsolutePath();
    if (server.auth().adminKeyCreated()) {
      System.out.println(
          "created an admin API key in "
              + file
              + " (readable only by you); the lattice command finds it there");
    } else if (Files.exists(file)) {
      System.out.println("admin API key: " + file);
    }
  }

  /**
   * Serves {@code lattice} until its actor system terminates (Ctrl-C or SIGTERM run Pekko's
   * coordinated shutdown), then runs {@code afterStop}.
   *
   * @param http where the API listens, or null for the configured address
   */
  static int serve(Lattice lattice, HostAndPort http, Runnable afterStop) {
    String api = "";
    if (lattice.roles().contains("orchestrator")) {
      try {
        HttpSettings settings = HttpSettings.create(lattice.system().settings().config());
        HttpApi.Server server =
            HttpApi.start(
                lattice, http == null ? settings : settings.withAddress(http.host(), http.port()));
        api = "API " + server.url() + ", ";
        announceAuthentication(lattice, server);
        if (!server.https() && !server.address().getAddress().isLoopbackAddress()) {
          System.err.println(
              "lattice: warning: the API listens on "
                  + server.address().getHostString()
                  + " over plain HTTP: whatever clients send, credentials included, crosses the"
                  + " network in the clear; set lattice.http.tls (docs/security.md)");
        }
        if (McpSettings.create(lattice.system().settings().config()).enabled()) {
          api += "MCP " + server.url() + "/mcp, ";
        }
      } catch (RuntimeException e) {
        lattice.close();
        afterStop.run();
        throw e;
      }
    }
    AtomicBoolean reported = new AtomicBoolean();
    Runnable stopped =
        () -> {
          if (reported.compareAndSet(false, true)) {
            afterStop.run();
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
                    stopped.run();
                  } catch (Exception e) {
                    System.err.println("lattice: the node did not stop cleanly: " + e);
                  }
                },
                "lattice-stopped"));
    System.out.printf(
        "lattice is up: %snode %s, roles %s, journal %s%n",
        api, lattice.address(), lattice.roles(), lattice.journal());
    System.out.println("press Ctrl-C to stop");
    System.out.flush();
    lattice.system().getWhenTerminated().toCompletableFuture().join();
    stopped.run();
    return 0;
  }
}
