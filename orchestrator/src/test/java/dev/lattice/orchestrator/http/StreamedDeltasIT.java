package dev.lattice.orchestrator.http;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Fault;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Streaming;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.run.RunEntity;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.JournalRows;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.SignalRequest;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepView;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A streaming LLM step's text reaches the run's followers live over real HTTP (NDJSON and SSE), as
 * step.delta elements between the run's events, from the scripted model server through the node's
 * real client, without a journal row per token: followers from the start, followers that join or
 * resume mid-step, a retried attempt, and a step run by a worker of another node all end up with
 * the step's final text. Each run's step waits for a signal until its first follower follows it
 * live: text streamed before anyone follows is only held for the running attempt, so an attempt
 * that failed before the follower subscribed would leave nothing to see.
 */
class StreamedDeltasIT {
  /** Forty words, one token each, 40 ms apart: the step streams for about 1.6 s. */
  private static final String STORY = words("story", 40);

  private static final String FIRST_TRY = words("lost", 30);
  private static final String SECOND_TRY = words("found", 30);
  private static final Streaming SLOW =
      Streaming.none().withFirstTokenDelayMs(100).withTokenDelayMs(40).byWords();

  @TempDir static Path data;
  static ScriptedModelServer models;
  static Lattice lattice;
  static StreamClient client;

  @BeforeAll
  static void start() {
    models =
        ScriptedModelServer.start(
            Script.of(
                    ScriptEntry.text(FIRST_TRY).failing(Fault.disconnectAfterTokens(6)).stream(SLOW)
                        .when(Match.contains("flaky story"))
                        .times(1),
                    ScriptEntry.text(SECOND_TRY).stream(SLOW).when(Match.contains("flaky story")),
                    ScriptEntry.text(STORY).stream(SLOW).when(Match.contains("tell a story")))
                .withModels("scripted-model"));
    lattice =
        Lattice.builder()
            .dataDirectory(data)
            .config(
                ConfigFactory.parseString(
                    """
                    lattice.llm.providers.local.base-url = "%s/v1"
                    lattice.worker.agents = [{
                      id = llm, action = llm, capabilities = [llm],
                      models = ["scripted-model"], max-concurrent = 8, priority = 0
                    }]
                    """
                        .formatted(models.baseUrl())))
            .start();
    client = new StreamClient(LoopbackApi.start(lattice));
  }

  @AfterAll
  static void stop() {
    lattice.close();
    models.close();
  }

  @Test
  void followersFromTheStartAndFromMidStepGetTheWholeTextInNdjsonAndSse() {
    String runId = execute("tell a story", true, 1);
    try (RunFollower early = release(runId, RunFollower.ndjson(client, runId, 1))) {
      early.awaitDelta();
      try (RunFollower late = RunFollower.sse(client, runId, null)) {
        late.awaitEnd();
        early.awaitEnd();
        String text = finalText(runId);
        assertThat(text).isEqualTo(STORY);

        assertThat(early.text("tell")).isEqualTo(text);
        assertThat(early.deltas().size()).isGreaterThan(1);
        assertThat(RunFollower.seqs(early.events())).isEqualTo(oneTo(lastSeq(runId)));

        // The late follower joined mid-step: the text so far came first, as a reset.
        assertThat(late.text("tell")).isEqualTo(text);
        JsonNode caughtUp = late.deltas().get(0).json();
        assertThat(caughtUp.get("data").get("reset").asBoolean()).isTrue();
        assertThat(caughtUp.get("data").get("offset").asLong()).isZero();
        assertThat(caughtUp.get("data").get("text").asText()).isNotEmpty().isNotEqualTo(text);
        // In SSE a delta has no id, so Last-Event-ID stays a journal sequence number.
        late.deltas()
            .forEach(
                delta -> {
                  assertThat(delta.sseId()).isNull();
                  assertThat(delta.sseType()).isEqualTo("step.delta");
                });
        late.events()
            .forEach(
                event -> assertThat(event.sseId()).isEqualTo(event.json().get("seq").asText()));
        assertThat(RunFollower.seqs(late.events())).isEqualTo(oneTo(lastSeq(runId)));
      }
    }
  }

  @Test
  void aDeltaCarriesItsPlaceAndWhenTheWorkerReceivedItAsTheApiDocumentSays() {
    String runId = execute("tell a story", true, 1);
    OpenApiDocument contract = OpenApiDocument.read();
    try (RunFollower follower = release(runId, RunFollower.ndjson(client, runId, 1))) {
      follower.awaitEnd();
      long offset = 0;
      for (RunFollower.Item item : follower.deltas()) {
        JsonNode delta = item.json();
        assertThat(contract.validate(contract.schema("StepDelta"), delta)).isEmpty();
        assertThat(delta.get("runId").asText()).isEqualTo(runId);
        assertThat(delta.get("stepId").asText()).isEqualTo("tell");
        assertThat(delta.get("attempt").asInt()).isEqualTo(1);
        assertThat(delta.get("data").get("try").asInt()).isEqualTo(1);
        assertThat(delta.get("data").get("offset").asLong()).isEqualTo(offset);
        assertThat(delta.get("data").get("reset").asBoolean()).isEqualTo(offset == 0);
        assertThat(delta.has("seq")).isFalse();
        assertThat(delta.get("type").asText()).isEqualTo("step.delta");
        assertThat(Instant.parse(delta.get("data").get("at").asText())).isNotNull();
        offset += delta.get("data").get("text").asText().length();
      }
      assertThat(offset).isEqualTo(STORY.length());
    }
  }

  @Test
  void aRetriedAttemptTellsFollowersToDropTheTextOfTheFailedOne() {
    String runId = execute("a flaky story", true, 2);
    try (RunFollower follower = release(runId, RunFollower.ndjson(client, runId, 1))) {
      follower.awaitEnd();
      RunView run = Await.result(lattice.client().awaitTerminal(RunId.of(runId)));
      assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(tell(runId).attempts()).isEqualTo(2);

      List<JsonNode> first = attempt(follower, 1);
      List<JsonNode> second = attempt(follower, 2);
      assertThat(first).isNotEmpty();
      assertThat(FIRST_TRY).startsWith(joined(first));
      assertThat(second.get(0).get("data").get("reset").asBoolean()).isTrue();
      assertThat(second.get(0).get("data").get("offset").asLong()).isZero();
      assertThat(follower.text("tell")).isEqualTo(SECOND_TRY).isEqualTo(finalText(runId));
    }
  }

  @Test
  void aResumeWithLastEventIdMissesNoEventRepeatsNoneAndGetsTheTextSoFar() {
    String runId = execute("tell a story", true, 1);
    List<RunFollower.Item> before;
    try (RunFollower first = release(runId, RunFollower.sse(client, runId, null))) {
      first.awaitDelta();
      before = first.events();
    }
    String lastId = before.get(before.size() - 1).sseId();
    try (RunFollower resumed = RunFollower.sse(client, runId, lastId)) {
      resumed.awaitEnd();
      List<Long> seqs = new ArrayList<>(RunFollower.seqs(before));
      seqs.addAll(RunFollower.seqs(resumed.events()));
      assertThat(seqs).isEqualTo(oneTo(lastSeq(runId)));
      assertThat(resumed.deltas().get(0).json().get("data").get("reset").asBoolean()).isTrue();
      assertThat(resumed.text("tell")).isEqualTo(finalText(runId));
    }
  }

  @Test
  void theJournalHoldsNoStreamedTextOnlyTheFinalAnswer() {
    String streamed = execute("tell a story", true, 1);
    int deltas;
    try (RunFollower follower = release(streamed, RunFollower.ndjson(client, streamed, 1))) {
      deltas = follower.awaitEnd().deltas().size();
    }
    String whole = execute("tell a story", false, 1);
    release(whole);
    Await.result(lattice.client().awaitTerminal(RunId.of(whole)));

    long streamedRows = rows(streamed);
    assertThat(deltas).isGreaterThan(5);
    assertThat(streamedRows).isEqualTo(rows(whole)).isLessThan(deltas);
    // Replaying the finished run gives its persisted events only: one per journal row.
    try (RunFollower replay = RunFollower.ndjson(client, streamed, 1)) {
      replay.awaitEnd();
      assertThat(replay.deltas()).isEmpty();
      assertThat(replay.events()).hasSize((int) streamedRows);
    }
  }

  @Test
  void textStreamedOnAWorkerOfAnotherNodeReachesTheFollowersOfThisOne() {
    try (Lattice far =
        Lattice.builder()
            .dataDirectory(data)
            .config(
                ConfigFactory.parseString(
                    """
                    lattice.node.roles = [worker]
                    lattice.node.name = far
                    lattice.llm.providers.local.base-url = "%s/v1"
                    lattice.worker.agents = [{
                      id = llm, action = llm, capabilities = [far-llm],
                      models = ["scripted-model"], max-concurrent = 2, priority = 0
                    }]
                    pekko.cluster.seed-nodes = ["%s"]
                    """
                        .formatted(models.baseUrl(), lattice.address())))
            .start()) {
      Await.until(
          () ->
              Await.result(lattice.client().agents()).stream()
                  .anyMatch(agent -> agent.agentId().equals("far.llm")),
          Duration.ofSeconds(30));

      String runId = execute("far-llm", "tell a story", true, 1);
      try (RunFollower follower = release(runId, RunFollower.ndjson(client, runId, 1))) {
        follower.awaitEnd();
        assertThat(tell(runId).agentId()).isEqualTo("far.llm");
        assertThat(follower.deltas().size()).isGreaterThan(1);
        assertThat(follower.text("tell")).isEqualTo(STORY).isEqualTo(finalText(runId));
      }
    }
  }

  private static String execute(String prompt, boolean stream, int maxAttempts) {
    return execute("llm", prompt, stream, maxAttempts);
  }

  private static String execute(String capability, String prompt, boolean stream, int maxAttempts) {
    // The step waits for the signal go, so that a test can follow the run before it streams.
    String plan =
        "{'steps': [{'id': 'go', 'kind': 'wait', 'signal': 'go'},"
            + " {'id': 'tell', 'dependsOn': ['go'], 'capability': '"
            + capability
            + "', 'retry': {'maxAttempts': "
            + maxAttempts
            + ", 'initialBackoffMs': 10}, 'input': {'model': 'scripted-model', 'prompt': '"
            + prompt
            + "', 'stream': "
            + stream
            + "}}]}";
    return Await.result(lattice.client().execute(ExecuteRequest.plan(plan(plan), json("{}"))))
        .runId()
        .value();
  }

  /** Lets the run's step start once {@code follower} follows the run live. */
  private static RunFollower release(String runId, RunFollower follower) {
    Await.until(
        () -> follower.events().stream().anyMatch(e -> e.type().equals("step.waiting")),
        Duration.ofSeconds(30));
    release(runId);
    return follower;
  }

  private static void release(String runId) {
    Await.result(
        lattice.client().signal(RunId.of(runId), "go", new SignalRequest(null, null, "test", "")));
  }

  private static StepView tell(String runId) {
    RunView run = Await.result(lattice.client().awaitTerminal(RunId.of(runId)));
    return run.steps().stream().filter(step -> step.id().equals("tell")).findFirst().orElseThrow();
  }

  private static String finalText(String runId) {
    return tell(runId).output().get("text").asText();
  }

  private static long lastSeq(String runId) {
    return Await.result(lattice.client().awaitTerminal(RunId.of(runId))).lastSeq();
  }

  private static long rows(String runId) {
    return JournalRows.count(lattice, RunEntity.persistenceId(RunId.of(runId)).id());
  }

  private static List<Long> oneTo(long last) {
    return LongStream.rangeClosed(1, last).boxed().toList();
  }

  private static List<JsonNode> attempt(RunFollower follower, int attempt) {
    return follower.deltas().stream()
        .map(RunFollower.Item::json)
        .filter(delta -> delta.get("attempt").asInt() == attempt)
        .toList();
  }

  private static String joined(List<JsonNode> deltas) {
    StringBuilder text = new StringBuilder();
    deltas.forEach(delta -> text.append(delta.get("data").get("text").asText()));
    return text.toString();
  }

  private static String words(String word, int count) {
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= count; i++) {
      text.append(word).append(i).append(i < count ? " " : ".");
    }
    return text.toString();
  }
}
