package dev.lattice.orchestrator.mcpclient;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.run.RunView;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A node with {@link TestMcpServer} as its MCP server {@code test}, run in its own JVM so that a
 * test can kill it with SIGKILL: prints {@code SERVER-PID pid} once a step has reached the server,
 * then runs until it is killed.
 */
public final class McpNodeDriver {
  private McpNodeDriver() {}

  public static void main(String[] args) throws Exception {
    Lattice lattice =
        Lattice.builder()
            .dataDirectory(Path.of(args[0]))
            .config(
                ConfigFactory.empty()
                    .withValue(
                        "lattice.mcp.servers.test.command",
                        ConfigValueFactory.fromIterable(TestMcpServer.command())))
            .start();
    LatticeClient client = lattice.client();
    var accepted =
        client
            .execute(
                ExecuteRequest.plan(
                    plan("{'steps': [{'id': 'look', 'capability': 'mcp.test.inspect'}]}"),
                    json("{}")))
            .toCompletableFuture()
            .get();
    RunView run = client.awaitTerminal(accepted.runId()).toCompletableFuture().get();
    System.out.println("SERVER-PID " + run.steps().get(0).output().get("pid").asLong());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
