package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.DelayedEcho;
import dev.lattice.orchestrator.testing.RunEvents;
import dev.lattice.orchestrator.testing.TestJournal;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunStatus;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run event streams over real HTTP on loopback: resuming, many followers, bursts, unknown runs. The
 * node's journal is an H2 file here, a PostgreSQL database in {@link HttpStreamsPostgresIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpStreamsIT {
  /** Long enough that a step records its start, so a chain of them takes a while. */
  private static final long TICK_MILLIS = 30;

  /**
   * How soon a stream with nothing left to send must end: well before its first heartbeat (15 s)
   * and the idle timeout (60 s), which are what used to end or keep such streams.
   */
  private static final Duration PROMPTLY = Duration.ofSeconds(10);

  private static final String NDJSON = "application/x-ndjson";
  private static final String SSE = "text/event-stream";

  private Lattice lattice;
  private StreamClient client;

  /** The journal of the class's node, whose data directory is {@code data}. */
  TestJournal journal(Path data) {
    return TestJournal.h2(data);
  }

  @BeforeAll
  void start(@TempDir Path data) {
    lattice =
        journal(data)
            .node()
            .action("tick", DelayedEcho.after(Duration.ofMillis(TICK_MILLIS)), 64)
            .start();
    HttpSettings settings =
        HttpSettings.create(lattice.system().settings().config()).withAddress("127.0.0.1", 0);
    client = new StreamClient(HttpApi.start(lattice, settings).url());
  }

  @AfterAll
  void stop() {
    lattice.close();
  }

  @AfterEach
  void everyStreamIsReleased() {
    // A client that disconnected, or read to the end, holds nothing on the node.
    Await.until(
        () -> Await.result(lattice.client().state()).eventStreams() == 0, Duration.ofSeconds(10));
  }

  /** A run of {@code steps} sequential steps of {@code capability}. */
  private RunId chain(String capability, int steps) {
    List<StepSpec> specs = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      specs.add(step("s" + i, capability, i == 0 ? List.of() : List.of("s" + (i - 1))));
    }
    return execute(specs);
  }

  private static StepSpec step(String id, String capability, List<String> dependsOn) {
    return StepSpec.agent(
        id,
        capability,
        LatticeJson.mapper().createObjectNode().put("step", id),
        dependsOn.toArray(String[]::new));
  }

  private RunId execute(List<StepSpec> steps) {
    return Await.result(
            lattice
                .client()
                .execute(
                    ExecuteRequest.plan(
                        PlanSpec.of(steps.toArray(StepSpec[]::new)),
                        LatticeJson.mapper().nullNode())))
        .runId();
  }

  private List<RunEvent> journal(RunId runId) {
    Await.result(lattice.client().awaitTerminal(runId));
    return Await.result(lattice.client().events(runId, 1).runWith(Sink.seq(), lattice.system()));
  }

  /** Events in their wire form, which is what a client must get exactly. */
  private static List<String> wire(List<RunEvent> events) {
    return events.stream()
        .map(e -> new String(JsonSupport.bytes(e), StandardCharsets.UTF_8))
        .toList();
  }

  private static String eventsPath(RunId runId) {
    return "/api/v1/runs/" + runId.value() + "/events";
  }

  @Test
  void anSseClientThatReconnectsWithLastEventIdGetsEveryEventOnceInOrder() {
    RunId runId = chain("tick", 20);
    List<RunEvent> first = client.sse(eventsPath(runId), null, e -> e.seq() >= 10);
    assertThat(first.get(first.size() - 1).terminal())
        .as("disconnected while the run was live")
        .isFalse();
    String lastId = Long.toString(first.get(first.size() - 1).seq());
    List<RunEvent> rest = client.sse(eventsPath(runId), lastId, RunEvent::terminal);

    List<RunEvent> all = new ArrayList<>(first);
    all.addAll(rest);
    RunEvents.assertWellFormed(all);
    assertThat(wire(all)).isEqualTo(wire(journal(runId)));
  }

  @Test
  void anNdjsonClientThatReconnectsFromASequenceNumberGetsEveryEventOnceInOrder() {
    RunId runId = chain("tick", 20);
    List<RunEvent> first = client.ndjson(eventsPath(runId), e -> e.seq() >= 10);
    assertThat(first.get(first.size() - 1).terminal()).isFalse();
    long next = first.get(first.size() - 1).seq() + 1;
    List<RunEvent> rest = client.ndjson(eventsPath(runId) + "?from=" + next, e -> false);

    List<RunEvent> all = new ArrayList<>(first);
    all.addAll(rest);
    RunEvents.assertWellFormed(all);
    assertThat(wire(all)).isEqualTo(wire(journal(runId)));
  }

  @Test
  void fiftyConcurrentFollowersOfOneRunSeeTheSameSequence() throws Exception {
    RunId runId = chain("tick", 10);
    ExecutorService pool = Executors.newFixedThreadPool(50);
    try {
      List<Future<List<RunEvent>>> followers = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        boolean sse = i % 2 == 0;
        followers.add(
            pool.submit(
                () ->
                    sse
                        ? client.sse(eventsPath(runId), null, e -> false)
                        : client.ndjson(eventsPath(runId), e -> false)));
      }
      List<RunEvent> expected = journal(runId);
      RunEvents.assertWellFormed(expected);
      for (Future<List<RunEvent>> follower : followers) {
        assertThat(wire(follower.get(60, TimeUnit.SECONDS))).isEqualTo(wire(expected));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aBurstOfAThousandEventsArrivesCompleteAndInOrder() {
    List<StepSpec> steps = new ArrayList<>();
    for (int i = 0; i < 998; i++) {
      steps.add(step("b" + i, "echo", List.of()));
    }
    RunId runId = execute(steps);
    List<RunEvent> received = client.ndjson(eventsPath(runId), e -> false);
    assertThat(received).hasSizeGreaterThanOrEqualTo(1000);
    RunEvents.assertWellFormed(received);
    assertThat(wire(received)).isEqualTo(wire(journal(runId)));
  }

  @Test
  void aStreamOfAnUnknownRunIsNotFound() {
    HttpResponse<Stream<String>> response =
        client.open(eventsPath(RunId.random()), "text/event-stream", null);
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    try (Stream<String> body = response.body()) {
      assertThat(String.join("", body.toList())).contains("urn:lattice:problem:run-not-found");
    }
  }

  @Test
  void anSseStreamResumedAfterTheTerminalEventEndsAtOnce() {
    RunId runId = chain("tick", 3);
    String lastId = Long.toString(lastSeq(journal(runId)));
    // The stream that read the journal has ended, but its follower stops a moment later: count
    // from none open, not from whatever is open right now.
    Await.until(() -> openStreams() == 0, PROMPTLY);

    List<String> lines = client.untilEnd(eventsPath(runId), SSE, lastId, PROMPTLY);

    assertThat(lines).noneMatch(line -> line.startsWith("id:"));
    Await.until(() -> openStreams() == 0, PROMPTLY);
  }

  @Test
  void anNdjsonStreamFromPastTheTerminalEventEndsAtOnceWithNoLines() {
    RunId runId = chain("tick", 3);
    long last = lastSeq(journal(runId));

    assertThat(client.untilEnd(eventsPath(runId) + "?from=" + (last + 1), NDJSON, null, PROMPTLY))
        .isEmpty();
    assertThat(
            client.untilEnd(eventsPath(runId) + "?from=" + (last + 1000), NDJSON, null, PROMPTLY))
        .isEmpty();
  }

  @Test
  void theLargestCursorsReplayNothing() {
    RunId runId = chain("tick", 3);
    journal(runId);
    String max = Long.toString(Long.MAX_VALUE);

    assertThat(client.untilEnd(eventsPath(runId), SSE, max, PROMPTLY))
        .noneMatch(line -> line.startsWith("id:"));
    assertThat(client.untilEnd(eventsPath(runId) + "?from=" + max, NDJSON, null, PROMPTLY))
        .isEmpty();
  }

  @Test
  void aStreamFromFarBeyondALiveRunWaitsForItAndEndsWithIt() {
    RunId runId = chain("tick", 20);

    List<String> lines = client.untilEnd(eventsPath(runId) + "?from=1000", NDJSON, null, PROMPTLY);

    assertThat(lines).isEmpty();
    assertThat(Await.result(lattice.client().run(runId)).status()).isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void malformedCursorsAreProblemsNamingTheirField() {
    RunId runId = chain("tick", 1);
    journal(runId);
    for (String from : List.of("0", "-1", "abc", "", "1.5", "9223372036854775808")) {
      assertInvalid(client.open(eventsPath(runId) + "?from=" + from, NDJSON, null), "from");
    }
    for (String lastId : List.of("0", "-1", "abc", "9223372036854775808")) {
      assertInvalid(client.open(eventsPath(runId), SSE, lastId), "Last-Event-ID");
    }
  }

  private static void assertInvalid(HttpResponse<Stream<String>> response, String field) {
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    String body;
    try (Stream<String> lines = response.body()) {
      body = String.join("", lines.toList());
    }
    JsonNode problem = readTree(body);
    assertThat(problem.get("type").asText()).isEqualTo("urn:lattice:problem:invalid-request");
    assertThat(problem.get("field").asText()).isEqualTo(field);
  }

  private static JsonNode readTree(String json) {
    try {
      return LatticeJson.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  private static long lastSeq(List<RunEvent> events) {
    return events.get(events.size() - 1).seq();
  }

  private int openStreams() {
    return Await.result(lattice.client().state()).eventStreams();
  }
}
