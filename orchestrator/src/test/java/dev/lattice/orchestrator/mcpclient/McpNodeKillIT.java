package dev.lattice.orchestrator.mcpclient;

import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node killed with SIGKILL cannot stop its MCP servers; a server that exits when its stdin ends,
 * as MCP asks, does not outlive it.
 */
class McpNodeKillIT {
  @TempDir Path data;

  @Test
  void aServerEndsWithItsNodeKilled() throws Exception {
    long server;
    try (ChildJvm node =
        ChildJvm.start(
            data.resolve("node.log"),
            McpNodeDriver.class.getName(),
            List.of("-Xmx256m"),
            data.resolve("journal").toString())) {
      String line = node.awaitLine(l -> l.startsWith("SERVER-PID "), Duration.ofSeconds(60));
      server = Long.parseLong(line.substring("SERVER-PID ".length()));

      node.kill();
    }

    Await.until(
        () -> ProcessHandle.of(server).map(p -> !p.isAlive()).orElse(true), Duration.ofSeconds(10));
  }
}
