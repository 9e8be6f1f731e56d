package dev.lattice.orchestrator.mcpclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose MCP server cannot be started or does not answer does not start, says which server,
 * and leaves no process of it behind; one whose server is not required starts without it.
 */
class McpServerStartIT {
  @TempDir Path data;

  @Test
  void aServerThatCannotBeStartedStopsTheNodeNamingIt() {
    assertThatThrownBy(() -> start("servers.missing { command = [\"/nonexistent/mcp-server\"] }"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("MCP server 'missing' did not start")
        .hasMessageContaining("/nonexistent/mcp-server");
  }

  @Test
  void aServerThatNeverAnswersStopsTheNodeAndIsStopped() {
    // A process that reads nothing and says nothing: its handshake never completes.
    assertThatThrownBy(
            () ->
                start(
                    "servers.silent { command = [\"sleep\", \"600\"] },"
                        + " client { connect-timeout = 1s, stop-timeout = 200ms }"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("MCP server 'silent' did not start");

    Await.until(() -> sleepers().isEmpty(), Duration.ofSeconds(10));
  }

  @Test
  void aServerNotRequiredIsLeftOutWhenItCannotBeStarted() {
    try (Lattice lattice =
        Lattice.builder()
            .dataDirectory(data)
            .config(
                ConfigFactory.parseString(
                    "lattice.mcp.servers.missing { command = [\"/nonexistent/mcp-server\"],"
                        + " required = false }"))
            .start()) {
      assertThat(Await.result(lattice.client().agents()))
          .extracting(agent -> agent.agentId())
          .contains("local.echo")
          .doesNotContain("local.mcp-missing");
    }
  }

  private void start(String mcp) {
    Lattice.builder()
        .dataDirectory(data)
        .config(ConfigFactory.parseString("lattice.mcp { " + mcp + " }"))
        .start()
        .close();
  }

  /** This JVM's child processes running {@code sleep}. */
  private static List<ProcessHandle> sleepers() {
    return ProcessHandle.current()
        .children()
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.endsWith("sleep")).orElse(false))
        .toList();
  }
}
