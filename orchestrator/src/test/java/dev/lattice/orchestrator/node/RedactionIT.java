package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.logging.RedactingLayout;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.DataFiles;
import dev.lattice.orchestrator.testing.DatabaseText;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.persistence.payload.JournalPayloads;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.AgentAction;
import dev.lattice.worker.secret.ResolvedSecrets;
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
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Sensitive values given to a real node (H2 file journal, HTTP API on loopback) in a payload, a
 * step's input, an action's output, an error, a signal, a planned plan and a log line are found
 * nowhere afterwards: not in the journal's files, not in any table of its database (the payload
 * table included), not in any API answer (runs, events followed live and replayed, steps, audit,
 * plan) and not in the log as written. The run still works: the step that needs a secret names it
 * and gets its value from the secrets directory; a step given a literal gets the replacement; and
 * after a restart the run's state is what it was.
 */
class RedactionIT {
  private static final String PAYLOAD_PASSWORD = "pw-payload-5ecret-01";
  private static final String INPUT_SECRET = "cs-input-5ecret-02";
  private static final String OUTPUT_TOKEN = "tok-output-5ecret-03";
  private static final String ERROR_PASSWORD = "pw-error-5ecret-04";
  private static final String SIGNAL_TOKEN = "tok-signal-5ecret-05";
  private static final String LOGGED_PASSWORD = "pw-logged-5ecret-06";
  private static final String STORED_APART = "key-apart-5ecret-07";
  private static final String FILE_SECRET = "file-5ecret-value-08";
  private static final String PLANNED_KEY = "sk-planned-5ecret-09";
  private static final List<String> SECRETS =
      List.of(
          PAYLOAD_PASSWORD,
          INPUT_SECRET,
          OUTPUT_TOKEN,
          ERROR_PASSWORD,
          SIGNAL_TOKEN,
          LOGGED_PASSWORD,
          STORED_APART,
          FILE_SECRET,
          PLANNED_KEY);
  private static final org.slf4j.Logger ACTION_LOG = LoggerFactory.getLogger("test.login");

  @TempDir Path data;
  @TempDir Path secrets;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<String> answers = new CopyOnWriteArrayList<>();
  private final List<JsonNode> received = new CopyOnWriteArrayList<>();
  private final List<String> resolved = new CopyOnWriteArrayList<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private final Logger pekko = (Logger) LoggerFactory.getLogger("org.apache.pekko");
  private final ListAppender<ILoggingEvent> raw = new ListAppender<>();
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private final OutputStreamAppender<ILoggingEvent> logFile = new OutputStreamAppender<>();
  private Level rootLevel;
  private Level pekkoLevel;
  private Lattice lattice;
  private String api;

  @BeforeEach
  void start() throws IOException {
    Files.writeString(secrets.resolve("api-token"), FILE_SECRET + "\n");
    rootLevel = root.getLevel();
    pekkoLevel = pekko.getLevel();
    // Everything, Pekko's debug output included, while the node runs: what the log would hold.
    root.setLevel(Level.DEBUG);
    pekko.setLevel(Level.DEBUG);
    LoggerContext context = root.getLoggerContext();
    RedactingLayout layout = new RedactingLayout();
    layout.setContext(context);
    layout.setPattern("%d %-5level %logger %X{pekkoSource} - %msg%n");
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    logFile.setContext(context);
    logFile.setEncoder(encoder);
    logFile.setOutputStream(written);
    logFile.start();
    raw.start();
    root.addAppender(logFile);
    root.addAppender(raw);
    startNode();
  }

  private void startNode() {
    lattice =
        Lattice.builder()
            .dataDirectory(data)
            .config(config())
            .action("login", login())
            .action("reject", reject())
            .start();
    api = LoopbackApi.start(lattice);
  }

  private Config config() {
    return ConfigFactory.parseString(
        """
        lattice.secrets.directory = "%s"
        lattice.worker.shell.allowed-commands = ["printenv"]
        lattice.worker.shell.allowed-env = ["API_TOKEN"]
        # Small, so that the login's output goes to the payload table.
        lattice.persistence.payloads.inline-max-bytes = 2KiB
        pekko.loglevel = DEBUG
        """
            .formatted(secrets.toString().replace('\\', '/')));
  }

  @AfterEach
  void stop() {
    if (lattice != null) {
      lattice.close();
    }
    root.detachAppender(logFile);
    root.detachAppender(raw);
    logFile.stop();
    root.setLevel(rootLevel);
    pekko.setLevel(pekkoLevel);
  }

  /**
   * Logs in: notes what it was given, resolves the secret it names, logs a password as a careless
   * action would, and answers with a session token and a large report holding a key.
   */
  private AgentAction login() {
    return (request, context) ->
        CompletableFuture.supplyAsync(
            () -> {
              JsonNode input = request.input();
              received.add(input);
              resolved.add(
                  context.secrets().resolve(input.get("apiKey").asText(), new ResolvedSecrets()));
              ACTION_LOG.warn("login of {} with password={}", input.get("user"), LOGGED_PASSWORD);
              ObjectNode output = LatticeJson.mapper().createObjectNode().put("user", "ann");
              output.putObject("session").put("access_token", OUTPUT_TOKEN).put("expiresIn", 3600);
              ObjectNode report = output.putObject("report").put("password", STORED_APART);
              for (int i = 0; i < 40; i++) {
                report.put("line" + i, "an ordinary line of the report, number " + i + " of 40");
              }
              return ActionResult.of(output);
            },
            context.executor());
  }

  /** Refuses, quoting what it refused, secret and all. */
  private static AgentAction reject() {
    return (request, context) -> {
      throw new ActionException(
          ErrorClass.AUTH,
          "login refused for {\"user\":\"ann\",\"password\":\"" + ERROR_PASSWORD + "\"}");
    };
  }

  @Test
  void sensitiveValuesReachNoJournalTableApiAnswerNorLogAndTheRunStillWorks() throws Exception {
    String planned =
        post(
            "/api/v1/plan",
            "{\"plan\": {\"steps\": [{\"id\": \"a\", \"capability\": \"echo\", \"input\":"
                + " {\"apiKey\": \""
                + PLANNED_KEY
                + "\"}}]}}");
    assertThat(planned).contains("[redacted]");

    String completed = execute(completingPlan());
    // A follower from the start: the events as they are pushed live.
    CompletableFuture<HttpResponse<String>> live =
        http.sendAsync(
            request("/api/v1/runs/" + completed + "/events").build(),
            HttpResponse.BodyHandlers.ofString());
    Await.until(() -> get("/api/v1/runs/" + completed).contains("\"waiting\""), timeout());
    post(
        "/api/v1/runs/" + completed + "/signals/approve",
        "{\"data\": {\"approved\": true, \"token\": \""
            + SIGNAL_TOKEN
            + "\"}, \"reason\": \"checked, token="
            + SIGNAL_TOKEN
            + "\"}");
    JsonNode run = awaitEnd(completed);
    answers.add(live.get().body());
    String failed =
        execute(
            "{\"plan\": {\"steps\": [{\"id\": \"bad\", \"capability\": \"reject\","
                + " \"retry\": {\"maxAttempts\": 1}}]}}");
    JsonNode failure = awaitEnd(failed);
    collect(completed, run);
    collect(failed, failure);
    answers.add(get("/api/v1/runs"));

    // The run worked: the login got the replacement for the literals it was given, and the
    // secret it named, from the secrets directory; the shell step's program got it too.
    assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("completed");
    JsonNode given = received.get(0);
    assertThat(given.get("password").asText()).isEqualTo("[redacted]");
    assertThat(given.get("clientSecret").asText()).isEqualTo("[redacted]");
    assertThat(given.get("apiKey").asText()).isEqualTo("${secret:api-token}");
    assertThat(resolved).containsExactly(FILE_SECRET);
    assertThat(step(run, "env").at("/output/stdout").asText()).isEqualTo("${secret:api-token}\n");
    assertThat(step(run, "login").at("/output/session/access_token").asText())
        .isEqualTo("[redacted]");
    assertThat(step(run, "login").at("/output/session/expiresIn").asInt()).isEqualTo(3600);
    assertThat(step(run, "approve").at("/output/approved").asBoolean()).isTrue();
    assertThat(step(run, "done").at("/output/user").asText()).isEqualTo("ann");
    assertThat(failure.get("status").asText()).isEqualTo("failed");
    assertThat(step(failure, "bad").at("/error/message").asText())
        .isEqualTo("login refused for {\"user\":\"ann\",\"password\":\"[redacted]\"}");

    // Nothing the API answered, the database holds or the log says has any of them.
    assertThat(answers).hasSizeGreaterThan(10);
    for (String answer : answers) {
      assertNone(answer, "an API answer");
    }
    List<String> tables = DatabaseText.tables(lattice);
    assertThat(tables).anyMatch(t -> t.startsWith("lattice_payload\n"));
    assertThat(String.join("\n", tables))
        .contains("[redacted]")
        .contains(JournalPayloads.REFS_MANIFEST);
    for (String table : tables) {
      assertNone(table, "a table");
    }
    assertThat(raw.list)
        .as("the careless action's line was logged")
        .anyMatch(event -> event.getFormattedMessage().contains(LOGGED_PASSWORD));
    String log = written.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("login of \"ann\" with password=[redacted]");
    assertNone(log, "the log");

    // After a restart the run is what it was: what it decided on is what its journal holds.
    String before = get("/api/v1/runs/" + completed);
    lattice.close();
    lattice = null;
    String files = DataFiles.allText(data);
    assertThat(files).contains("[redacted]").contains("ordinary line of the report");
    assertNone(files, "the data directory's files");
    startNode();
    assertThat(LatticeJson.mapper().readTree(get("/api/v1/runs/" + completed)))
        .isEqualTo(LatticeJson.mapper().readTree(before));
  }

  /** Logs in, reads the secret in a shell step, waits for approval, then echoes what it has. */
  private static String completingPlan() {
    return """
        {"plan": {"steps": [
          {"id": "login", "capability": "login", "input": {
             "user": "${payload.user}", "password": "${payload.password}",
             "clientSecret": "%s", "apiKey": "${secret:api-token}"}},
          {"id": "env", "capability": "shell", "input": {
             "command": ["printenv", "API_TOKEN"], "env": {"API_TOKEN": "${secret:api-token}"}}},
          {"id": "approve", "kind": "wait", "signal": "approve", "dependsOn": ["login", "env"]},
          {"id": "done", "capability": "echo", "dependsOn": ["approve"], "input": {
             "user": "${steps.login.output.user}", "session": "${steps.login.output.session}",
             "approval": "${steps.approve.output}"}}]},
         "payload": {"user": "ann", "password": "%s"}}
        """
        .formatted(INPUT_SECRET, PAYLOAD_PASSWORD);
  }

  /** The run's state, events, steps and audit trail, and its dispatchers' audit, as answered. */
  private void collect(String runId, JsonNode run) {
    answers.add(run.toString());
    answers.add(get("/api/v1/runs/" + runId + "/events"));
    String audit = get("/api/v1/runs/" + runId + "/audit");
    answers.add(audit);
    for (JsonNode step : run.get("steps")) {
      answers.add(get("/api/v1/runs/" + runId + "/steps/" + step.get("id").asText()));
    }
    for (String busKey : new TreeSet<>(busKeys(audit))) {
      answers.add(get("/api/v1/audit?busKey=" + URLEncoder.encode(busKey, StandardCharsets.UTF_8)));
    }
  }

  private static List<String> busKeys(String audit) {
    List<String> keys = new ArrayList<>();
    try {
      LatticeJson.mapper().readTree(audit).findValues("busKey").forEach(k -> keys.add(k.asText()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return keys;
  }

  private static JsonNode step(JsonNode run, String id) {
    for (JsonNode step : run.get("steps")) {
      if (step.get("id").asText().equals(id)) {
        return step;
      }
    }
    throw new AssertionError("no step " + id + " in " + run);
  }

  private static void assertNone(String text, String where) {
    for (String secret : SECRETS) {
      assertThat(text.contains(secret))
          .as(secret + " in " + where + ": " + excerpt(text, secret))
          .isFalse();
    }
  }

  private static String excerpt(String text, String secret) {
    int at = text.indexOf(secret);
    return at < 0 ? "" : text.substring(Math.max(0, at - 200), Math.min(text.length(), at + 100));
  }

  private JsonNode awaitEnd(String runId) throws IOException {
    Await.until(
        () -> {
          String run = get("/api/v1/runs/" + runId);
          return run.contains("\"status\":\"completed\"") || run.contains("\"status\":\"failed\"");
        },
        timeout());
    return LatticeJson.mapper().readTree(get("/api/v1/runs/" + runId));
  }

  private String execute(String body) throws IOException {
    return LatticeJson.mapper().readTree(post("/api/v1/execute", body)).get("runId").asText();
  }

  private static Duration timeout() {
    return Duration.ofSeconds(30);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(60));
  }

  private String post(String path, String body) {
    HttpResponse<String> response =
        send(
            request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    assertThat(response.statusCode() / 100).as(path + ": " + response.body()).isEqualTo(2);
    answers.add(response.body());
    return response.body();
  }

  private String get(String path) {
    return send(request(path).GET().build()).body();
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
