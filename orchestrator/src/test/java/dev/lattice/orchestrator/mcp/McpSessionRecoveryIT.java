package dev.lattice.orchestrator.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.orchestrator.testing.TestJournal;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node forgets sessions (it restarted, or another node answers, or it keeps too many): the SDK's
 * client gets a 404, initializes again and carries on.
 */
class McpSessionRecoveryIT {
  @Test
  void theSdkClientInitializesAgainWhenItsSessionIsForgotten(@TempDir Path data) {
    try (Lattice lattice =
        TestJournal.h2(data)
            .node()
            .config(ConfigFactory.parseMap(Map.of("lattice.mcp.sessions.max", 1)))
            .start()) {
      String url = LoopbackApi.start(lattice);
      McpSyncClient sdk =
          McpClient.sync(HttpClientStreamableHttpTransport.builder(url).endpoint("/mcp").build())
              .requestTimeout(Duration.ofSeconds(20))
              .build();
      sdk.initialize();
      // Another client's session takes the only place: the node forgets the SDK client's.
      new McpHttp(url).initialize();

      McpSchema.ListToolsResult tools;
      try {
        tools = sdk.listTools();
      } catch (RuntimeException e) {
        // The call that met the 404 fails; the client initializes again for the next one.
        tools = sdk.listTools();
      }

      assertThat(tools.tools()).extracting(McpSchema.Tool::name).contains("indexing");
      sdk.closeGracefully();
    }
  }
}
