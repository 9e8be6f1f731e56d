package dev.lattice.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.api.ClusterMember;
import dev.lattice.protocol.api.ClusterMemberStatus;
import dev.lattice.protocol.api.ClusterView;
import dev.lattice.protocol.api.NodeShards;
import dev.lattice.protocol.api.NodeState;
import dev.lattice.protocol.api.QueueView;
import dev.lattice.protocol.api.QueueWait;
import dev.lattice.protocol.api.RegionReply;
import dev.lattice.protocol.api.ShardDistribution;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
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
              new QueueView("agent/shell/1/default", 0, 0, Map.of(), QueueWait.NONE, Map.of()),
              new QueueView(
                  "agent/llm/0/default",
                  140,
                  60,
                  Map.of("local.llm", 60),
                  QueueWait.NONE,
                  Map.of(),
                  Map.of("rate_limited: provider openai model gpt-4o (60 rpm)", 140))),
          Map.of(RunStatus.COMPLETED, 3L),
          0,
          new ClusterView(
              List.of(
                  new ClusterMember(
                      "pekko://lattice@127.0.0.1:2551",
                      "local",
                      List.of("orchestrator", "worker"),
                      ClusterMemberStatus.UP,
                      true,
                      true,
                      true),
                  new ClusterMember(
                      "pekko://lattice@127.0.0.1:2552",
                      "far",
                      List.of("orchestrator"),
                      ClusterMemberStatus.LEAVING,
                      false,
                      false,
                      false)),
              List.of(
                  new ShardDistribution(
                      "runs",
                      "Run",
                      "orchestrator",
                      List.of(
                          NodeShards.answered("pekko://lattice@127.0.0.1:2551", "local", 12, 40, 1),
                          NodeShards.unanswered(
                              "pekko://lattice@127.0.0.1:2552", "far", RegionReply.UNREACHABLE))),
                  new ShardDistribution(
                      "ledgers",
                      "TenantLedger",
                      "orchestrator",
                      List.of(
                          NodeShards.unanswered(
                              "pekko://lattice@127.0.0.1:2551", null, RegionReply.NO_ANSWER))))));

  private static String text(NodeState state) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TextOutput.state(state, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void stateShowsEachQueuesWaitsAndFailures() {
    assertThat(text(STATE))
        .contains(
            "waited: p50 0.3 ms, p90 3.5 ms, p99 41.0 ms (12 dispatched);"
                + " failed: worker_lost 2, agent_error 1")
        .contains("waited: nothing dispatched lately; failed: none");
  }

  @Test
  void stateShowsWhyQueuedWorkWaits() {
    assertThat(text(STATE).lines().toList())
        .containsSequence(
            "  agent/llm/0/default              queued 140, in flight 60",
            "    waited: nothing dispatched lately; failed: none",
            "    waiting: 140 rate_limited: provider openai model gpt-4o (60 rpm)");
  }

  @Test
  void stateShowsEachMemberAndTheShardsEachHosts() {
    List<String> lines = text(STATE).lines().toList();
    assertThat(lines)
        .containsSequence(
            "members:",
            "  ADDRESS                            NAME         ROLES                STATUS     "
                + "REACHABLE",
            "  pekko://lattice@127.0.0.1:2551     local        orchestrator,worker  up         "
                + "yes       leader, this node",
            "  pekko://lattice@127.0.0.1:2552     far          orchestrator         leaving    no",
            "shards:",
            "  TYPE         NODE                               SHARDS  ENTITIES",
            "  runs         local                              12      40        "
                + "1 shards did not report their entities",
            "  runs         far                                -       -         unreachable",
            "  ledgers      pekko://lattice@127.0.0.1:2551     -       -         no answer");
  }

  @Test
  void stateFromAServerWithoutTheClusterViewShowsItsMemberList() throws Exception {
    // What a node from before the cluster view answered: no "cluster" field.
    String old =
        "{\"node\":\"pekko://lattice@127.0.0.1:2551\",\"roles\":[\"orchestrator\"],"
            + "\"members\":[\"pekko://lattice@127.0.0.1:2551 [orchestrator] up\"],"
            + "\"agents\":[],\"queues\":[],\"runs\":{},\"eventStreams\":0}";
    NodeState state = ApiClient.MAPPER.readValue(old, NodeState.class);
    assertThat(state.cluster()).isNull();
    assertThat(text(state))
        .contains("members:\n  pekko://lattice@127.0.0.1:2551 [orchestrator] up");
  }

  @Test
  void theStatesJsonReadsBackAsTheClientReadsIt() throws Exception {
    String json = LatticeJson.mapper().writeValueAsString(STATE);
    assertThat(json)
        .contains("\"queueWait\":{\"count\":12,\"p50Ms\":0.25,\"p90Ms\":3.5,\"p99Ms\":41.0}")
        .contains("\"failures\":{\"worker_lost\":2,\"agent_error\":1}")
        .contains(
            "{\"address\":\"pekko://lattice@127.0.0.1:2552\",\"name\":\"far\","
                + "\"roles\":[\"orchestrator\"],\"status\":\"leaving\",\"reachable\":false,"
                + "\"leader\":false,\"self\":false}")
        .contains(
            "{\"address\":\"pekko://lattice@127.0.0.1:2551\",\"name\":\"local\","
                + "\"reply\":\"answered\",\"shards\":12,\"entities\":40,\"unansweredShards\":1}")
        .contains(
            "{\"address\":\"pekko://lattice@127.0.0.1:2552\",\"name\":\"far\","
                + "\"reply\":\"unreachable\"}");
    assertThat(LatticeJson.mapper().readValue(json, NodeState.class)).isEqualTo(STATE);
  }

  @Test
  void aRunShowsItsParentAndItsRunStepsShowTheirChildRuns() throws Exception {
    String json =
        "{\"runId\":\"c1\",\"tenant\":\"default\",\"status\":\"running\",\"mode\":\"auto\","
            + "\"steps\":[{\"id\":\"trial\",\"kind\":\"run\",\"status\":\"running\","
            + "\"dependsOn\":[],\"attempts\":1,\"childRunId\":\"c2\"}],"
            + "\"usage\":{\"promptTokens\":0,\"completionTokens\":0,\"costUsd\":0},"
            + "\"createdAt\":\"2026-12-07T10:00:00Z\",\"updatedAt\":\"2026-12-07T10:00:01Z\","
            + "\"lastSeq\":3,\"parent\":{\"runId\":\"p1\",\"stepId\":\"evaluate.0.trial\","
            + "\"attempt\":1,\"depth\":1}}";
    RunView run = ApiClient.MAPPER.readValue(json, RunView.class);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TextOutput.run(run, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("child of run p1, step evaluate.0.trial (attempt 1)")
        .contains("child run c2");
  }
}
