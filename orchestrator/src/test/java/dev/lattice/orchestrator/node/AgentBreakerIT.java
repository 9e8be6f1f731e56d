package dev.lattice.orchestrator.node;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.orchestrator.testing.MutableClock;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepStatus;
import dev.lattice.protocol.run.StepView;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionRequest;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.agent.AgentSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker agent's circuit breaker through a real node: its dispatcher, its journal and its HTTP
 * API. Two agents serve the same capability; the preferred one fails until its breaker trips, the
 * other does the work during the cool-down, and a successful probe brings the first one back.
 *
 * <p>The cool-down is long, and the test ends it by moving the node's clock on, so that nothing
 * depends on how fast this machine runs the steps in between.
 */
class AgentBreakerIT {
  private static final int MAX_FAILURES = 3;
  private static final Duration COOL_DOWN = Duration.ofMinutes(10);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final PlanSpec WORK =
      plan("{'steps': [{'id': 'w', 'capability': 'work', 'retry': {'maxAttempts': 1}}]}");

  @TempDir Path data;

  private final MutableClock clock = new MutableClock();
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicBoolean broken = new AtomicBoolean(true);
  private final AtomicInteger flakyCalls = new AtomicInteger();
  private volatile CompletableFuture<Void> release = CompletableFuture.completedFuture(null);

  /** Fails while the endpoint is broken; afterwards answers once released. */
  private CompletionStage<ActionResult> flaky(ActionRequest request, ActionContext context) {
    flakyCalls.incrementAndGet();
    if (broken.get()) {
      return CompletableFuture.failedFuture(
          new ActionException(ErrorClass.AGENT_ERROR, "endpoint down"));
    }
    return release.thenApply(done -> ActionResult.of(request.input()));
  }

  private Lattice node() {
    return Lattice.builder()
        .dataDirectory(data)
        .clock(clock)
        .config(
            ConfigFactory.parseString(
                "lattice.worker.breaker { max-failures = "
                    + MAX_FAILURES
                    + ", cool-down = "
                    + COOL_DOWN.toMinutes()
                    + "m, max-cool-down = 1h }"))
        .namedAction("flaky", this::flaky)
        .namedAction(
            "steady",
            (request, context) ->
                CompletableFuture.completedFuture(ActionResult.of(request.input())))
        // The flaky agent has the higher priority: it gets the work whenever it can take it.
        .agent(new AgentSpec("flaky", "flaky", Set.of("work"), Set.of(), 4, 1))
        .agent(new AgentSpec("steady", "steady", Set.of("work"), Set.of(), 4, 0))
        .start();
  }

  @Test
  void anAgentThatKeepsFailingGetsNoWorkDuringItsCoolDownAndIsBackAfterASuccessfulProbe() {
    try (Lattice lattice = node()) {
      LatticeClient client = lattice.client();
      String api = LoopbackApi.start(lattice);

      for (int i = 0; i < MAX_FAILURES; i++) {
        RunView failed = Await.result(client.awaitTerminal(execute(client)));
        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(step(failed).agentId()).isEqualTo("local.flaky");
      }
      JsonNode open = awaitBreaker(api, "open");
      assertThat(open.get("consecutiveFailures").asInt()).isEqualTo(MAX_FAILURES);
      assertThat(open.has("openUntil")).isTrue();

      // During the cool-down the other agent does the work and nothing reaches the tripped one.
      for (int i = 0; i < 3; i++) {
        assertRanOn(client, execute(client), "local.steady");
      }
      assertThat(flakyCalls.get()).isEqualTo(MAX_FAILURES);

      // The cool-down ends: exactly one assignment goes to the agent, as its probe.
      broken.set(false);
      release = new CompletableFuture<>();
      clock.advance(COOL_DOWN.plusSeconds(1));
      RunId probe = execute(client);
      Await.until(
          () -> step(Await.result(client.run(probe))).status() == StepStatus.RUNNING, TIMEOUT);
      assertThat(step(Await.result(client.run(probe))).agentId()).isEqualTo("local.flaky");
      awaitBreaker(api, "half_open");
      assertRanOn(client, execute(client), "local.steady");
      assertThat(flakyCalls.get()).isEqualTo(MAX_FAILURES + 1);

      // The probe succeeds: the breaker closes, and the agent gets work again.
      release.complete(null);
      assertRanOn(client, probe, "local.flaky");
      assertThat(awaitBreaker(api, "closed").get("consecutiveFailures").asInt()).isZero();
      // The dispatcher left the agent out for a probe interval after the refusal during the
      // probe; once that has passed, the preferred agent is chosen again.
      Await.until(
          () -> {
            RunView view = Await.result(client.awaitTerminal(execute(client)));
            return view.status() == RunStatus.COMPLETED
                && step(view).agentId().equals("local.flaky");
          },
          TIMEOUT);
    }
  }

  private static RunId execute(LatticeClient client) {
    return Await.result(client.execute(ExecuteRequest.plan(WORK, json("{}")))).runId();
  }

  private static void assertRanOn(LatticeClient client, RunId runId, String agent) {
    RunView view = Await.result(client.awaitTerminal(runId));
    assertThat(view.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(step(view).agentId()).isEqualTo(agent);
  }

  private static StepView step(RunView view) {
    return view.steps().get(0);
  }

  /** Polls {@code GET /api/v1/agents} until the flaky agent's breaker is in {@code state}. */
  private JsonNode awaitBreaker(String api, String state) {
    JsonNode[] breaker = new JsonNode[1];
    Await.until(
        () -> {
          for (JsonNode agent : get(api + "/api/v1/agents")) {
            if (agent.get("agentId").asText().equals("local.flaky") && agent.has("breaker")) {
              breaker[0] = agent.get("breaker");
            }
          }
          return breaker[0] != null && breaker[0].get("state").asText().equals(state);
        },
        TIMEOUT);
    return breaker[0];
  }

  private JsonNode get(String url) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return LatticeJson.mapper().readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("GET " + url + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
