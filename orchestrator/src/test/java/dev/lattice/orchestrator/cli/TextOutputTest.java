package dev.lattice.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.api.NodeState;
import dev.lattice.protocol.api.QueueView;
import dev.lattice.protocol.api.QueueWait;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.run.RunStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextOutputTest {
  private static final NodeState STATE =
      new NodeState(
          "pekko://lattice@127.0.0.1:2551",
          List.of("orchestrator", "worker"),
          List.of("pekko://lattice@127.0.0.1:2551 [orchestrator, worker] up"),
          List.of(),
          List.of(
              new QueueView(
                  "agent/echo/0/default",
                  0,
                  1,
                  Map.of("local.echo", 1),
                  new QueueWait(12, 0.25, 3.5, 41.0),
                  Map.of(ErrorClass.WORKER_LOST, 2L, ErrorClass.AGENT_ERROR, 1L)),
              new QueueView("agent/shell/1/default", 0, 0, Map.of(), QueueWait.NONE, Map.of())),
          Map.of(RunStatus.COMPLETED, 3L),
          0);

  @Test
  void stateShowsEachQueuesWaitsAndFailures() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TextOutput.state(STATE, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .contains(
            "waited: p50 0.3 ms, p90 3.5 ms, p99 41.0 ms (12 dispatched);"
                + " failed: worker_lost 2, agent_error 1")
        .contains("waited: nothing dispatched lately; failed: none");
  }

  @Test
  void theStatesJsonReadsBackAsTheClientReadsIt() throws Exception {
    String json = LatticeJson.mapper().writeValueAsString(STATE);
    assertThat(json)
        .contains("\"queueWait\":{\"count\":12,\"p50Ms\":0.25,\"p90Ms\":3.5,\"p99Ms\":41.0}")
        .contains("\"failures\":{\"worker_lost\":2,\"agent_error\":1}");
    assertThat(LatticeJson.mapper().readValue(json, NodeState.class)).isEqualTo(STATE);
  }
}
