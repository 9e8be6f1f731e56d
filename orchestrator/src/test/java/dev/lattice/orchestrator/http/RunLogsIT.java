package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.orchestrator.logging.LogFormat;
import dev.lattice.orchestrator.logging.RedactingEncoder;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.orchestrator.testing.ScriptedNode;
import dev.lattice.protocol.json.LatticeJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A run's own log through a real node (H2 file journal, HTTP on loopback, the shell agent and a
 * scripted model server): a shell step's stdout and stderr lines, a step past the per-attempt
 * bound, a model's rejected answer, a step that fails twice, the dispatchers' decisions and the
 * run's own entries; the level, source and step filters, the cursor, the NDJSON export; the log
 * after a restart on the same data directory; a planted secret redacted everywhere; and the node's
 * own log lines, in JSON, naming the run.
 */
class RunLogsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String SECRET = "hunter2-planted";
  private static final String SHELL = "local.shell";

  private static final String PLAN =
      """
      {"plan": {"steps": [
        {"id": "build", "capability": "shell",
         "input": {"command": ["cat", "notes.txt", "missing.txt"], "failOnNonZeroExit": false}},
        {"id": "noisy", "capability": "shell", "input": {"command": ["cat", "many.txt"]}},
        {"id": "rate", "capability": "llm",
         "input": {"provider": "local", "model": "scripted-model", "prompt": "rate the change",
                   "schema": {"type": "object", "required": ["score"],
                              "properties": {"score": {"type": "integer", "maximum": 5}}}}},
        {"id": "deploy", "capability": "shell", "dependsOn": ["build", "noisy", "rate"],
         "retry": {"maxAttempts": 2, "initialBackoffMs": 50, "maxBackoffMs": 50},
         "input": {"command": ["cat", "password=%s"]}}
      ]}}
      """
          .formatted(SECRET);

  @TempDir Path data;
  @TempDir Path work;

  private final HttpRuns http = new HttpRuns();
  private final HttpClient raw = HttpClient.newHttpClient();
  private final ByteArrayOutputStream nodeLog = new ByteArrayOutputStream();
  private OutputStreamAppender<ILoggingEvent> appender;

  /** The node's log lines, as its console would write them, captured here. */
  @BeforeEach
  void captureTheNodesLog() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    RedactingEncoder encoder = new RedactingEncoder();
    encoder.setContext(context);
    encoder.setPattern("%msg%n");
    encoder.start();
    appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(nodeLog);
    appender.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
  }

  @AfterEach
  void stopCapturing() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
    appender.stop();
    LogFormat.install(LogFormat.TEXT);
  }

  private Lattice start(ScriptedModelServer models) {
    return ScriptedNode.builder(data, models)
        .config(
            ConfigFactory.parseString(
                """
                lattice.logging.format = json
                lattice.worker.shell.working-directory = "%s"
                lattice.worker.run-log.max-lines = 20
                """
                    .formatted(work.toString().replace("\\", "/"))))
        .start();
  }

  @Test
  void aRunsLogHoldsWhatItsAgentsWroteAndWhatWasDecidedFilteredExportedAndKeptAcrossARestart()
      throws Exception {
    Files.writeString(
        work.resolve("notes.txt"),
        "compiling module a\nwarning: unused import\npassword=" + SECRET + "\n");
    Files.writeString(
        work.resolve("many.txt"),
        IntStream.rangeClosed(1, 50).mapToObj(i -> "line " + i).collect(Collectors.joining("\n")));
    Script script =
        Script.of(
                ScriptEntry.json(LatticeJson.mapper().readTree("{\"score\": 4}"))
                    .when(Match.contains("was rejected")),
                ScriptEntry.json(LatticeJson.mapper().readTree("{\"score\": 9}"))
                    .when(Match.contains("rate the change")))
            .withModels("scripted-model");
    String runId;
    List<JsonNode> before;
    try (ScriptedModelServer models = ScriptedModelServer.start(script)) {
      try (Lattice lattice = start(models)) {
        String api = LoopbackApi.start(lattice);
        runId = http.execute(api, PLAN, "logs-" + System.nanoTime());
        http.awaitRun(api, runId, run -> "failed".equals(run.path("status").asText()), TIMEOUT);
        // Written off the run's path, shortly after: the run's last entry says it failed.
        @SuppressWarnings("unchecked")
        List<JsonNode>[] seen = new List[1];
        Await.until(
            () -> {
              seen[0] = entries(api, runId, "level=debug");
              return seen[0].stream()
                  .anyMatch(e -> e.path("message").asText().startsWith("run failed"));
            },
            TIMEOUT,
            () -> String.valueOf(seen[0]));
        before = seen[0];

        assertWhatTheLogHolds(before);
        assertFilters(api, runId, before);
        assertExport(api, runId, before);
        String traceId =
            http.events(api, runId)
                .get(0)
                .path("data")
                .path("spec")
                .path("trace")
                .path("traceId")
                .asText();
        assertTheNodesJsonLinesNameTheRun(runId, traceId);
      }
      // The same data directory, a new node: the log is where it was.
      try (Lattice again = start(models)) {
        String api = LoopbackApi.start(again);
        assertThat(entries(api, runId, "level=debug")).isEqualTo(before);
      }
    }
  }

  private static void assertWhatTheLogHolds(List<JsonNode> log) {
    assertThat(log.toString()).doesNotContain(SECRET);
    // The shell step's stdout at info and its stderr at warn, secret redacted, by its agent.
    assertThat(lines(log, SHELL, "build"))
        .containsSubsequence(
            "info compiling module a",
            "info warning: unused import",
            "info password=[redacted]",
            "warn cat: missing.txt: No such file or directory");
    // Past the bound of 20 lines per attempt, one more line says how many were left out.
    List<String> noisy = lines(log, SHELL, "noisy");
    assertThat(noisy).hasSize(21);
    assertThat(noisy.get(0)).isEqualTo("info line 1");
    assertThat(noisy.get(19)).isEqualTo("info line 20");
    assertThat(noisy.get(20)).startsWith("warn truncated 30 lines");
    // The model's first answer broke the step's schema: its agent says so.
    assertThat(lines(log, "local.llm", "rate"))
        .containsExactly(
            "warn answer of try 1 rejected (not the JSON asked for): /score: must have a maximum"
                + " value of 5");
    // The failing step: each attempt's stderr, what the dispatcher and the run made of it.
    assertThat(lines(log, SHELL, "deploy")).hasSize(2).allMatch(l -> l.startsWith("warn cat: "));
    assertThat(lines(log, "dispatcher", "deploy"))
        .contains("info dispatched to local.shell")
        .anyMatch(l -> l.startsWith("warn failed on local.shell: agent_error: command 'cat'"));
    assertThat(lines(log, "run", "deploy"))
        .anyMatch(l -> l.startsWith("info attempt 2 due at "))
        .anyMatch(l -> l.startsWith("warn failed on local.shell: agent_error:"));
    JsonNode last = log.get(log.size() - 1);
    assertThat(last.path("source").asText()).isEqualTo("run");
    assertThat(last.path("level").asText()).isEqualTo("error");
    assertThat(last.path("message").asText())
        .startsWith("run failed: step deploy failed after 2 attempts: agent_error:");
  }

  private void assertFilters(String api, String runId, List<JsonNode> all) throws Exception {
    assertThat(entries(api, runId, "level=warn"))
        .isNotEmpty()
        .allMatch(e -> List.of("warn", "error").contains(e.path("level").asText()))
        .hasSize(
            (int)
                all.stream()
                    .filter(e -> List.of("warn", "error").contains(e.path("level").asText()))
                    .count());
    // Info by default: the dispatchers' queueing and budget bookkeeping are debug.
    assertThat(entries(api, runId, "")).noneMatch(e -> "debug".equals(e.path("level").asText()));
    assertThat(entries(api, runId, "source=" + SHELL + "&step=noisy")).hasSize(21);
    assertThat(entries(api, runId, "source=dispatcher&level=debug"))
        .isNotEmpty()
        .allMatch(e -> "dispatcher".equals(e.path("source").asText()))
        .anyMatch(e -> e.path("message").asText().startsWith("queued at agent/shell/"));
    assertThat(entries(api, runId, "source=run&level=error"))
        .singleElement()
        .satisfies(e -> assertThat(e.has("stepId")).isFalse());

    // A page at a time: the cursor gives the next one, and more says when there is none.
    JsonNode first = http.get(api, logsPath(runId, "level=debug&limit=5"));
    assertThat(first.path("entries")).hasSize(5);
    assertThat(first.path("more").asBoolean()).isTrue();
    JsonNode second =
        http.get(
            api,
            logsPath(
                runId,
                "level=debug&limit=5&after="
                    + URLEncoder.encode(first.path("next").asText(), StandardCharsets.UTF_8)));
    assertThat(second.path("entries").get(0)).isEqualTo(all.get(5));

    HttpResponse<String> bad = get(api + logsPath(runId, "level=loud"), "application/json");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  private void assertExport(String api, String runId, List<JsonNode> all) throws Exception {
    HttpResponse<String> export = get(api + logsPath(runId, "level=debug"), "application/x-ndjson");
    assertThat(export.statusCode()).isEqualTo(200);
    assertThat(export.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/x-ndjson");
    List<JsonNode> lines = new ArrayList<>();
    for (String line : export.body().split("\n")) {
      lines.add(LatticeJson.mapper().readTree(line));
    }
    assertThat(lines).isEqualTo(all);
  }

  /** The node wrote JSON lines; those about the failed run carry its id, tenant, step and trace. */
  private void assertTheNodesJsonLinesNameTheRun(String runId, String traceId) throws Exception {
    LoggerFactory.getLogger(RunLogsIT.class).info("a line quoting password={}", SECRET);
    String captured = nodeLog.toString(StandardCharsets.UTF_8);
    assertThat(captured).doesNotContain(SECRET).contains("password=[redacted]");
    List<JsonNode> lines = new ArrayList<>();
    for (String line : captured.split("\n")) {
      if (!line.isBlank()) {
        lines.add(LatticeJson.mapper().readTree(line));
      }
    }
    assertThat(lines)
        .anySatisfy(
            line -> {
              assertThat(line.path("mdc").path("runId").asText()).isEqualTo(runId);
              assertThat(line.path("mdc").path("tenant").asText()).isEqualTo("default");
              assertThat(line.path("mdc").path("stepId").asText()).isEqualTo("deploy");
              assertThat(line.path("mdc").path("traceId").asText()).isEqualTo(traceId).hasSize(32);
              assertThat(line.path("formattedMessage").asText()).contains("failed");
              assertThat(line.path("level").asText()).isEqualTo("INFO");
            });
  }

  /** Every entry of the run's log the query selects, page by page. */
  private List<JsonNode> entries(String api, String runId, String query) {
    List<JsonNode> all = new ArrayList<>();
    String after = null;
    try {
      while (true) {
        String q = query + (after == null ? "" : "&after=" + after) + "&limit=7";
        JsonNode page = http.get(api, logsPath(runId, q));
        page.path("entries").forEach(all::add);
        after = URLEncoder.encode(page.path("next").asText(), StandardCharsets.UTF_8);
        if (!page.path("more").asBoolean()) {
          return all;
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String logsPath(String runId, String query) {
    return "/api/v1/runs/" + runId + "/logs?" + query;
  }

  /** "level message" of the entries of {@code source} about {@code step}, in order. */
  private static List<String> lines(List<JsonNode> log, String source, String step) {
    return log.stream()
        .filter(e -> source.equals(e.path("source").asText()))
        .filter(e -> step.equals(e.path("stepId").asText()))
        .map(e -> e.path("level").asText() + " " + e.path("message").asText())
        .toList();
  }

  private HttpResponse<String> get(String url, String accept) throws Exception {
    return raw.send(
        HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
