package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lattice.modelserver.RecordedRequest;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.ChildJvm;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.OverrideRequest;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunEventType;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepStatus;
import dev.lattice.protocol.run.StepView;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node in its own JVM is killed with SIGKILL while 13 runs are inside 5-turn tool loops (104 tool
 * calls in all): a keyed tool ({@code refund}) and an unsafe one ({@code note}), both the http
 * action against a counting server here, which answers notes slowly so that some are in flight at
 * the kill. A new node on the same journal resumes every loop at its first unfinished turn or call:
 * no finished model turn is asked again, no finished call is sent again, no refund key is applied
 * twice, and no note is sent twice. Notes whose outcome the kill left unknown wait for a person;
 * the test answers for them (it happened: here is its result; or: send it again).
 */
class ToolCrashIT {
  private static final Duration DEADLINE = Duration.ofSeconds(120);
  private static final long NOTE_DELAY_MS = 300;
  private static final int KILL_AFTER_REQUESTS = 30;

  @TempDir Path data;
  @TempDir Path logs;
  private ScriptedModelServer models;
  private HttpServer target;
  private ScheduledExecutorService answers;
  private final Map<String, AtomicInteger> requestsByKey = new ConcurrentHashMap<>();
  private final Map<String, JsonNode> bodiesByKey = new ConcurrentHashMap<>();
  private final Set<String> applied = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> appliedTimes = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger notesInFlight = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    answers = Executors.newSingleThreadScheduledExecutor();
    target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    target.setExecutor(Executors.newFixedThreadPool(4));
    target.createContext("/", this::handle);
    target.start();
    URI targetUri = URI.create("http://127.0.0.1:" + target.getAddress().getPort() + "/");
    models = ScriptedModelServer.start(ToolCrashWorkload.script(targetUri));
  }

  @AfterEach
  void stop() {
    models.close();
    target.stop(0);
    answers.shutdownNow();
  }

  /** Counts every request by its effect key; a refund applies a key once; notes answer slowly. */
  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
    String path = exchange.getRequestURI().getPath();
    requestsByKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    bodiesByKey.put(key, LatticeJson.mapper().readTree(body));
    requests.incrementAndGet();
    if (path.equals("/refund")) {
      if (applied.add(key)) {
        appliedTimes.merge(key, 1, Integer::sum);
      }
      respond(exchange, body);
    } else {
      notesInFlight.incrementAndGet();
      answers.schedule(
          () -> {
            notesInFlight.decrementAndGet();
            respond(exchange, body);
          },
          NOTE_DELAY_MS,
          TimeUnit.MILLISECONDS);
    }
  }

  private static void respond(HttpExchange exchange, byte[] body) {
    try (exchange) {
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    } catch (IOException e) {
      // The node that sent it was killed meanwhile.
    }
  }

  @Test
  void loopsResumeWhereTheyStoppedAndNoEffectHappensTwice() throws Exception {
    Map<Integer, RunId> runs = new TreeMap<>();
    Instant killed = runAndKillInsideTheLoops(runs);
    Map<String, Integer> sentBeforeKill = counts();

    try (Lattice second =
        Lattice.builder()
            .dataDirectory(data)
            .config(ToolCrashWorkload.nodeConfig(models.baseUrl()))
            .start()) {
      LatticeClient client = second.client();
      int unknown = settle(client, runs);
      assertThat(unknown).as("notes whose outcome the kill left unknown").isPositive();
      System.out.printf(
          "tool crash: %d of %d calls sent before the kill, %d model requests in all,"
              + " %d notes of unknown outcome answered by hand%n",
          sentBeforeKill.size(),
          ToolCrashWorkload.RUNS * (ToolCrashWorkload.TURNS - 1) * 2,
          models.requests().size(),
          unknown);

      for (Map.Entry<Integer, RunId> run : runs.entrySet()) {
        RunView view = Await.result(client.run(run.getValue()));
        assertThat(view.status()).as("run %d", run.getKey()).isEqualTo(RunStatus.COMPLETED);
        assertThat(step(view, "agent").output().get("text").asText())
            .isEqualTo("settled run-" + run.getKey());
        List<RunEvent> events =
            Await.result(client.events(run.getValue(), 1).runWith(Sink.seq(), second.system()));
        checkNothingFinishedRanAgain(run.getKey(), view, events, killed, sentBeforeKill);
      }
    }
    // Every call happened exactly once: each refund key applied once, each note sent once.
    int calls = ToolCrashWorkload.RUNS * (ToolCrashWorkload.TURNS - 1) * 2;
    assertThat(requestsByKey).hasSize(calls);
    assertThat(appliedTimes.values()).hasSize(calls / 2).allMatch(times -> times == 1);
    requestsByKey.forEach(
        (key, count) -> {
          if (key.endsWith(".c2")) {
            assertThat(count.get()).as("requests of note %s", key).isEqualTo(1);
          }
        });
  }

  /** Starts the runs in a child JVM and kills it once notes are in flight; returns when. */
  private Instant runAndKillInsideTheLoops(Map<Integer, RunId> runs) throws Exception {
    try (ChildJvm node =
        ChildJvm.start(
            logs.resolve("node.log"),
            ToolCrashDriver.class.getName(),
            List.of("-Xmx512m"),
            data.toString(),
            models.baseUrl().toString())) {
      node.awaitLines(line -> line.startsWith("ACK "), ToolCrashWorkload.RUNS, DEADLINE);
      Await.until(() -> requests.get() >= KILL_AFTER_REQUESTS && notesInFlight.get() > 0, DEADLINE);
      Instant killed = Instant.now();
      node.kill();
      for (String line : node.lines()) {
        String[] parts = line.split(" ");
        if (parts[0].equals("ACK")) {
          runs.put(Integer.parseInt(parts[1]), RunId.of(parts[2]));
        }
      }
      return killed;
    }
  }

  /**
   * Waits for every run to complete, answering for each call whose outcome is unknown as a person
   * would: the target says whether it happened. Returns how many there were.
   */
  private int settle(LatticeClient client, Map<Integer, RunId> runs) {
    Set<String> answered = ConcurrentHashMap.newKeySet();
    Await.until(
        () -> {
          boolean done = true;
          for (RunId runId : runs.values()) {
            RunView view = Await.result(client.run(runId));
            done &= view.status().terminal();
            for (StepView step : view.steps()) {
              if (step.status() == StepStatus.WAITING
                  && step.error() != null
                  && step.error().errorClass() == ErrorClass.UNKNOWN_OUTCOME
                  && answered.add(runId.value() + "/" + step.id())) {
                answer(client, runId, step.id());
              }
            }
          }
          return done;
        },
        DEADLINE,
        () -> describe(client, runs));
    return answered.size();
  }

  /** Where every run stands, for a failure's message. */
  private static String describe(LatticeClient client, Map<Integer, RunId> runs) {
    StringBuilder text = new StringBuilder();
    for (RunId runId : runs.values()) {
      RunView view = Await.result(client.run(runId));
      text.append('\n').append(runId.value()).append(' ').append(view.status());
      for (StepView step : view.steps()) {
        text.append("\n  ").append(step.id()).append(' ').append(step.status());
        text.append(" attempts=").append(step.attempts());
        if (step.error() != null) {
          text.append(' ').append(step.error().errorClass()).append(' ');
          text.append(step.error().message());
        }
      }
    }
    return text.toString();
  }

  private void answer(LatticeClient client, RunId runId, String stepId) {
    String key = runId.value() + "/" + stepId;
    Intervention who = new Intervention("ops", "checked the target");
    if (requestsByKey.containsKey(key)) {
      ObjectNode output = LatticeJson.mapper().createObjectNode().put("status", 200);
      output.set("body", bodiesByKey.get(key));
      Await.result(
          client.override(runId, stepId, new OverrideRequest(output, who.actor(), who.reason())));
    } else {
      Await.result(client.retryStep(runId, stepId, who));
    }
  }

  /** What finished before the kill was not done again: model turns asked once, calls sent once. */
  private void checkNothingFinishedRanAgain(
      int n,
      RunView view,
      List<RunEvent> events,
      Instant killed,
      Map<String, Integer> sentBeforeKill) {
    Map<String, Instant> succeeded = new TreeMap<>();
    for (RunEvent event : events) {
      if (RunEventType.STEP_SUCCEEDED.equals(event.type()) && event.timestamp().isBefore(killed)) {
        succeeded.put(event.stepId(), event.timestamp());
      }
    }
    for (Map.Entry<String, Instant> done : succeeded.entrySet()) {
      String stepId = done.getKey();
      // A restarted dispatcher asks the run before it sends again what it had in flight, whether
      // its agent is listed yet or not: what the run recorded as finished is never sent twice.
      if (stepId.matches("agent\\.t\\d+")) {
        int turn = Integer.parseInt(stepId.substring("agent.t".length()));
        assertThat(modelCalls(n, turn))
            .as(
                "model calls of run %d turn %d (succeeded at %s, killed at %s): %s",
                n, turn, done.getValue(), killed, callTimes(n, turn))
            .hasSize(1);
      } else if (stepId.matches("agent\\.t\\d+\\.c\\d+")) {
        String key = view.runId() + "/" + stepId;
        assertThat(requestsByKey.get(key).get()).as("requests of %s", key).isEqualTo(1);
        assertThat(sentBeforeKill).containsKey(key);
      }
    }
  }

  /** Requests of turn {@code turn} of run {@code n}: its conversation has turn - 1 answers. */
  private List<RecordedRequest> modelCalls(int n, int turn) {
    return models.requests().stream()
        .filter(r -> r.body() != null && r.body().toString().contains("Settle run-" + n + " now."))
        .filter(r -> answersIn(r) == turn - 1)
        .toList();
  }

  private List<Instant> callTimes(int n, int turn) {
    return modelCalls(n, turn).stream().map(RecordedRequest::time).toList();
  }

  private static long answersIn(RecordedRequest request) {
    long answers = 0;
    for (JsonNode message : request.body().path("messages")) {
      if (message.path("role").asText().equals("assistant")) {
        answers++;
      }
    }
    return answers;
  }

  private Map<String, Integer> counts() {
    Map<String, Integer> counts = new TreeMap<>();
    requestsByKey.forEach((key, count) -> counts.put(key, count.get()));
    return counts;
  }

  private static StepView step(RunView view, String id) {
    return view.steps().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }
}
