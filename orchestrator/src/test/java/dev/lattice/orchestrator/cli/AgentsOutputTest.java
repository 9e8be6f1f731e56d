package dev.lattice.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.agent.BreakerState;
import dev.lattice.protocol.agent.BreakerStatus;
import dev.lattice.protocol.api.AgentView;
import dev.lattice.protocol.json.LatticeJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code lattice agents}: what the server sends is what the command reads, prints and re-emits. */
class AgentsOutputTest {
  private static final Instant SINCE = Instant.parse("2026-01-01T10:00:00Z");
  private static final AgentView AGENT =
      new AgentView(
          "local.llm",
          "pekko://lattice@127.0.0.1:25520",
          List.of("summarize"),
          List.of("m1", "m2"),
          4,
          0,
          1,
          new BreakerStatus(BreakerState.OPEN, 5, SINCE, SINCE.plusSeconds(30)),
          Map.of(
              "m1", new BreakerStatus(BreakerState.HALF_OPEN, 2, SINCE, null),
              "m2", new BreakerStatus(BreakerState.CLOSED, 0, SINCE, null)),
          Map.of());

  @Test
  void theBreakersSurviveTheWayFromTheServerToTheCommand() throws Exception {
    byte[] fromServer = LatticeJson.mapper().writeValueAsBytes(List.of(AGENT));
    AgentView[] read = ApiClient.MAPPER.readValue(fromServer, AgentView[].class);
    assertThat(read).containsExactly(AGENT);
    assertThat(ApiClient.pretty(List.of(read)))
        .contains("\"state\" : \"open\"")
        .contains("\"consecutiveFailures\" : 5")
        .contains("\"m1\"");
  }

  @Test
  void theTableShowsTheAgentsBreakerAndThoseOfItsModelsThatAreNotClosed() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TextOutput.agents(List.of(AGENT), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.get(0)).contains("BREAKER");
    assertThat(lines.get(1))
        .contains("local.llm")
        .contains("1/4")
        .contains("open until ")
        .contains("(5 failures)")
        .contains("m1: half_open (2 failures)")
        .doesNotContain("m2");
  }

  @Test
  void theTableGroupsAgentsByTheCategoryOfTheirCapabilitiesWithStatusAndPriority() {
    AgentView both =
        new AgentView(
            "local.mixed",
            "pekko://lattice@127.0.0.1:25520",
            List.of("echo", "reviewer"),
            List.of(),
            2,
            7,
            2,
            null,
            Map.of(),
            Map.of(),
            Map.of("llm", List.of("reviewer"), "tool", List.of("echo")),
            null);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TextOutput.agents(List.of(both), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.get(0)).contains("CATEGORY").contains("STATUS").contains("PRIORITY");
    assertThat(lines.get(1))
        .startsWith("llm")
        .contains("local.mixed")
        .contains("reviewer")
        .doesNotContain("echo")
        .contains("busy")
        .contains("2/2")
        .contains(" 7 ");
    assertThat(lines.get(2)).startsWith("tool").contains("local.mixed").contains("echo");
    assertThat(lines).hasSize(3);
  }
}
