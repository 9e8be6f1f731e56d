package dev.lattice.orchestrator.mcpclient;

import static dev.lattice.orchestrator.plan.Plans.json;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * MCP servers' tools as capabilities, through a real node (H2 file journal, HTTP API on loopback)
 * and a real MCP server process ({@link TestMcpServer}, a JVM of its own spoken to over stdio): the
 * tools are in the agent directory with their schemas and effects, a step calls one with its input
 * and gets its answer, the step's effect key reaches the server in {@code _meta}, progress keeps a
 * long call's heartbeat going, the servers' secrets (an environment variable, an HTTP header) reach
 * nothing else, and a server killed is restarted while its agent's breaker opens and closes again.
 * A streamable HTTP server is called too. Stopping the node stops every server process it started.
 */
class McpToolsIT {
  private static final String SECRET = "mcp-secret-7f3a9c2e41";
  private static final String HEADER_SECRET = "mcp-header-secret-5b81d07c";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  // Long enough for two calls to fail (and the breaker to open) while the server is down.
  private static final Duration RESTART_BACKOFF = Duration.ofSeconds(3);
  private static final String AGENT = "local.mcp-test";

  @TempDir static Path data;
  static TestHttpMcpServer web;
  static Lattice lattice;
  static String api;
  static McpTestNode node;
  static final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  static final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  // Every server process seen, to check that none outlives the node.
  static final Set<Long> pids = ConcurrentHashMap.newKeySet();
  private final HttpRuns http = new HttpRuns();

  @BeforeAll
  static void start() throws IOException {
    ((Logger) LoggerFactory.getLogger("dev.lattice.worker.mcp")).setLevel(Level.DEBUG);
    ((Logger) LoggerFactory.getLogger("io.modelcontextprotocol")).setLevel(Level.DEBUG);
    logs.start();
    root.addAppender(logs);
    web = TestHttpMcpServer.start("Bearer " + HEADER_SECRET);
    lattice = Lattice.builder().dataDirectory(data).config(config()).start();
    api = LoopbackApi.start(lattice);
    node = new McpTestNode(lattice, api, TIMEOUT);
  }

  static Config config() {
    return ConfigFactory.parseString(
            """
            lattice.mcp {
              servers.test {
                env { %s = "%s" }
                effects { echo = keyed }
              }
              servers.web {
                url = "%s"
                headers { Authorization = "Bearer %s" }
              }
              client {
                restart-backoff { min = %dms, max = %dms }
                stop-timeout = 500ms
                call-timeout = 20s
              }
            }
            lattice.worker.breaker { max-failures = 2, cool-down = 1s, max-cool-down = 1s }
            lattice.policy.tenants.restricted.tools = ["mcp.test.add"]
            """
                .formatted(
                    TestMcpServer.SECRET_VARIABLE,
                    SECRET,
                    web.url(),
                    HEADER_SECRET,
                    RESTART_BACKOFF.toMillis(),
                    RESTART_BACKOFF.toMillis()))
        .withValue(
            "lattice.mcp.servers.test.command",
            ConfigValueFactory.fromIterable(TestMcpServer.command()));
  }

  @AfterAll
  static void stop() {
    try {
      if (lattice != null) {
        lattice.close();
      }
      if (web != null) {
        web.close();
      }
      // No server process outlives its node.
      for (long pid : pids) {
        Await.until(
            () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true),
            Duration.ofSeconds(10));
      }
    } finally {
      root.detachAppender(logs);
      ((Logger) LoggerFactory.getLogger("dev.lattice.worker.mcp")).setLevel(null);
      ((Logger) LoggerFactory.getLogger("io.modelcontextprotocol")).setLevel(null);
    }
  }

  @Test
  void theServersToolsAreCapabilitiesWithTheirSchemasAndEffects() {
    JsonNode agent = node.agent(AGENT);
    assertThat(agent.get("capabilities"))
        .extracting(JsonNode::asText)
        .contains("mcp.test.add", "mcp.test.echo", "mcp.test.inspect", "mcp.test.fail");
    JsonNode tools = agent.get("tools");
    JsonNode add = tools.get("mcp.test.add");
    assertThat(add.get("description").asText()).isEqualTo("Adds two numbers.");
    assertThat(add.get("inputSchema").get("properties").get("a").get("type").asText())
        .isEqualTo("number");
    assertThat(add.get("inputSchema").get("required"))
        .extracting(JsonNode::asText)
        .containsExactly("a", "b");
    // readOnlyHint: idempotent; no hint: unsafe; configured: keyed.
    assertThat(add.get("effect").asText()).isEqualTo("idempotent");
    assertThat(tools.get("mcp.test.fail").get("effect").asText()).isEqualTo("unsafe");
    assertThat(tools.get("mcp.test.echo").get("effect").asText()).isEqualTo("keyed");
  }

  @Test
  void aStepCallsTheToolWithItsInputAndGetsItsAnswer() throws Exception {
    String runId =
        http.execute(
            api,
            json("{'plan': {'steps': ["
                    + "{'id': 'sum', 'capability': 'mcp.test.add', 'input': {'a': 2, 'b': 3}},"
                    + "{'id': 'say', 'capability': 'mcp.test.echo', 'dependsOn': ['sum'],"
                    + " 'input': {'text': 'hello'}}]}}")
                .toString(),
            "mcp-add-1");
    http.events(api, runId);
    JsonNode run = http.run(api, runId);

    assertThat(run.get("status").asText()).isEqualTo("completed");
    assertThat(run.get("steps").get(0).get("output").get("sum").asDouble()).isEqualTo(5.0);
    JsonNode said = run.get("steps").get(1).get("output");
    assertThat(said.get("text").asText()).isEqualTo("hello");
    assertThat(said.get("content").get(0).get("type").asText()).isEqualTo("text");
  }

  @Test
  void theStepsEffectKeyReachesTheServerInMeta() {
    RunView run = node.runOne("look", "mcp.test.inspect", "{}");

    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    JsonNode seen = run.steps().get(0).output();
    pids.add(seen.get("pid").asLong());
    assertThat(seen.get("effectKey").asText()).isEqualTo(run.runId() + "/look");
  }

  @Test
  void everyAttemptOfAStepCarriesTheSameEffectKey() {
    RunView run =
        node.runStep(
            "'id': 'twice', 'capability': 'mcp.test.fail', 'input': {},"
                + " 'retry': {'maxAttempts': 2, 'initialBackoffMs': 10}");
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.steps().get(0).attempts()).isEqualTo(2);

    JsonNode seen = node.runOne("keys", "mcp.test.inspect", "{}").steps().get(0).output();
    pids.add(seen.get("pid").asLong());
    assertThat(seen.get("effectKeys"))
        .extracting(JsonNode::asText)
        .filteredOn(key -> key.startsWith(run.runId()))
        .containsExactly(run.runId() + "/twice", run.runId() + "/twice");
  }

  @Test
  void aStreamableHttpServersToolIsCalledWithItsHeadersAndTheEffectKey() {
    RunView run = node.runOne("times", "mcp.web.multiply", "{'a': 6, 'b': 7}");

    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.steps().get(0).output().get("product").asDouble()).isEqualTo(42.0);
    assertThat(web.effectKeys()).contains(run.runId() + "/times");
    assertThat(web.refused()).isZero();
    JsonNode multiply = node.agent("local.mcp-web").get("tools").get("mcp.web.multiply");
    assertThat(multiply.get("effect").asText()).isEqualTo("idempotent");
  }

  @Test
  void aToolTheServerNoLongerListsIsInvalidInput() {
    assertThat(node.runOne("retire", "mcp.test.retire", "{'name': 'spare'}").status())
        .isEqualTo(RunStatus.COMPLETED);

    // The server tells the client its list changed; the client lists the tools again.
    Await.until(
        () -> {
          RunView run = node.runOne("gone", "mcp.test.spare", "{}");
          return run.status() == RunStatus.FAILED
              && run.cause().errorClass() == ErrorClass.INVALID_INPUT
              && run.cause().message().contains("no longer offers the tool 'spare'");
        },
        TIMEOUT);
  }

  @Test
  void progressTheServerReportsKeepsALongCallsHeartbeatGoing() {
    RunView reported = runSlow(200);
    RunView silent = runSlow(0);

    assertThat(reported.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(reported.steps().get(0).output().get("done").asBoolean()).isTrue();
    assertThat(silent.status()).isEqualTo(RunStatus.FAILED);
    assertThat(silent.cause().errorClass()).isEqualTo(ErrorClass.TIMEOUT);
  }

  /** A call of 2.5 s whose step allows 1 s without a heartbeat. */
  private static RunView runSlow(int beatMs) {
    return node.runStep(
        "'id': 'slow', 'capability': 'mcp.test.slow', 'timeouts': {'heartbeatMs': 1000},"
            + " 'input': {'ms': 2500, 'beatMs': "
            + beatMs
            + "}");
  }

  @Test
  void aTenantsToolAllowListNamesTheToolsItMayCall() {
    RunView allowed =
        node.runAs(
            "restricted",
            "'id': 'sum', 'capability': 'mcp.test.add'," + " 'input': {'a': 1, 'b': 1}");
    RunView denied =
        node.runAs(
            "restricted",
            "'id': 'say', 'capability': 'mcp.test.echo'," + " 'input': {'text': 'hi'}");

    assertThat(allowed.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(denied.status()).isEqualTo(RunStatus.FAILED);
    assertThat(denied.cause().errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(denied.cause().message()).contains("'mcp.test.echo'");
  }

  @Test
  void aToolThatAnswersWithAnErrorFailsTheStep() {
    RunView run = node.runOne("oops", "mcp.test.fail", "{}");

    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.cause().errorClass()).isEqualTo(ErrorClass.AGENT_ERROR);
    assertThat(run.cause().message()).contains("reported an error: it failed on purpose");
  }

  @Test
  void argumentsThatAreNotAnObjectAreInvalidInput() {
    RunView run = node.runOne("odd", "mcp.test.add", "[1, 2]");

    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.cause().errorClass()).isEqualTo(ErrorClass.INVALID_INPUT);
  }

  @Test
  void theServersSecretReachesTheServerAndNoJournalApiAnswerOrLogLine() throws Exception {
    RunView run = node.runOne("measure", "mcp.test.secret", "{}");

    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.steps().get(0).output().get("length").asInt()).isEqualTo(SECRET.length());
    for (String path :
        List.of("/api/v1/agents", "/api/v1/state", "/api/v1/runs", "/api/v1/runs/" + run.runId())) {
      assertThat(node.get(path).toString()).doesNotContain(SECRET).doesNotContain(HEADER_SECRET);
    }
    assertThat(List.copyOf(logs.list))
        .allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(SECRET, HEADER_SECRET));
    try (Stream<Path> files = Files.walk(data)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
            .as("%s", file)
            .doesNotContain(SECRET, HEADER_SECRET);
      }
    }
  }

  @Test
  void aKilledServerIsRestartedWhileItsBreakerOpensAndItsToolsWorkAgainAfterwards() {
    long first =
        node.runOne("before", "mcp.test.inspect", "{}").steps().get(0).output().get("pid").asLong();
    pids.add(first);
    ProcessHandle.of(first).orElseThrow().destroyForcibly();
    Await.until(() -> ProcessHandle.of(first).map(p -> !p.isAlive()).orElse(true), TIMEOUT);

    // Calls fail at once while the server is down (not at their 20 s timeout); two failures open
    // the breaker.
    List<String> failures = new java.util.ArrayList<>();
    Await.until(
        () -> {
          RunView failed = node.runOne("down", "mcp.test.add", "{'a': 1, 'b': 1}");
          assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
          assertThat(failed.cause().errorClass()).isEqualTo(ErrorClass.AGENT_ERROR);
          failures.add(failed.cause().message());
          return node.breaker(AGENT).equals("open");
        },
        Duration.ofSeconds(10));
    assertThat(failures).anyMatch(m -> m.contains("MCP server 'test' is not available"));
    RunView down = node.runOne("down", "mcp.test.add", "{'a': 1, 'b': 1}");
    // Refused by the breaker or failed fast by the connection; never waiting out a call timeout.
    assertThat(down.status()).isIn(RunStatus.FAILED, RunStatus.COMPLETED);

    // After the restart (and the breaker's probe) the tools work again, on a new process.
    Await.until(
        () ->
            node.runOne("after", "mcp.test.add", "{'a': 1, 'b': 1}").status()
                == RunStatus.COMPLETED,
        TIMEOUT);
    long second =
        node.runOne("again", "mcp.test.inspect", "{}").steps().get(0).output().get("pid").asLong();
    pids.add(second);
    assertThat(second).isNotEqualTo(first);
    Await.until(() -> node.breaker(AGENT).equals("closed"), TIMEOUT);
  }

  @Test
  void aCallInFlightWhenTheServerDiesFailsAtOnceAndTheServerComesBack() {
    pids.add(
        node.runOne("pid", "mcp.test.inspect", "{}").steps().get(0).output().get("pid").asLong());
    long started = System.nanoTime();
    RunView crashed = node.runOne("crash", "mcp.test.crash", "{}");

    assertThat(crashed.status()).isEqualTo(RunStatus.FAILED);
    assertThat(crashed.cause().errorClass()).isEqualTo(ErrorClass.AGENT_ERROR);
    // Well before the call's 20 s timeout: the process's exit ends the call.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    Await.until(
        () ->
            node.runOne("back", "mcp.test.add", "{'a': 1, 'b': 2}").status() == RunStatus.COMPLETED,
        TIMEOUT);
    pids.add(
        node.runOne("pid", "mcp.test.inspect", "{}").steps().get(0).output().get("pid").asLong());
  }
}
