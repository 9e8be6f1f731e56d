package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.orchestrator.testing.RawHttp;
import dev.lattice.orchestrator.testing.TestJournal;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Map and loop steps over real HTTP on loopback, with an H2 file journal: plans as a user sends
 * them, runs read back through the API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubPlansIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final HttpRuns runs = new HttpRuns();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();
  private Lattice lattice;
  private String api;

  @BeforeAll
  void start(@TempDir Path data) {
    lattice =
        TestJournal.h2(data)
            .node()
            // Later elements answer sooner, so the map's order cannot come from finishing order.
            .action(
                "slow",
                (request, context) -> {
                  mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                  long delay = 200 - 15L * request.input().path("n").asInt();
                  return CompletableFuture.supplyAsync(
                      () -> {
                        running.decrementAndGet();
                        return ActionResult.of(request.input());
                      },
                      CompletableFuture.delayedExecutor(
                          Math.max(delay, 10), TimeUnit.MILLISECONDS, context.executor()));
                },
                8)
            .action(
                "picky",
                (request, context) ->
                    request.input().path("n").asInt() % 2 == 1
                        ? CompletableFuture.failedFuture(
                            new ActionException(ErrorClass.INVALID_INPUT, "odd"))
                        : CompletableFuture.completedFuture(ActionResult.of(request.input())))
            .start();
    api = LoopbackApi.start(lattice);
  }

  @AfterAll
  void stop() {
    lattice.close();
  }

  private static String items(int count) {
    List<String> items = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      items.add("{\"n\":" + i + "}");
    }
    return "[" + String.join(",", items) + "]";
  }

  private static String map(String capability, String options) {
    return "{\"steps\":[{\"id\":\"M\",\"kind\":\"map\",\"input\":\"${payload.items}\""
        + options
        + ",\"steps\":[{\"id\":\"call\",\"capability\":\""
        + capability
        + "\",\"input\":{\"n\":\"${item.n}\"}},"
        + "{\"id\":\"shape\",\"kind\":\"transform\",\"dependsOn\":[\"call\"],"
        + "\"expression\":\"{'n': steps.call.output.n, 'index': index}\"}]}]}";
  }

  @Test
  void aMapRunsThreeElementsAtATimeAndOutputsTheResultsInTheListsOrder() throws Exception {
    mostAtOnce.set(0);
    JsonNode run =
        finished(
            execute(
                "{\"plan\":"
                    + map("slow", ",\"concurrency\":3")
                    + ",\"payload\":{\"items\":"
                    + items(10)
                    + "}}"));
    assertThat(run.get("status").asText()).isEqualTo("completed");
    JsonNode output = run.get("output").get("M");
    assertThat(output).hasSize(10);
    for (int i = 0; i < 10; i++) {
      assertThat(output.get(i).get("n").asInt()).isEqualTo(i);
      assertThat(output.get(i).get("index").asInt()).isEqualTo(i);
    }
    assertThat(mostAtOnce.get()).isBetween(2, 3);
    // Every element's steps are in the run, each with its own id.
    assertThat(stepIds(run)).contains("M", "M.0.call", "M.0.shape", "M.9.call", "M.9.shape");
    List<JsonNode> events = runs.events(api, run.get("runId").asText());
    assertThat(events.stream().filter(e -> e.get("type").asText().equals("step.element_started")))
        .hasSize(10);
  }

  @Test
  void aFailingElementFailsTheMapOrIsCollected() throws Exception {
    JsonNode failed =
        finished(
            execute(
                "{\"plan\":" + map("picky", "") + ",\"payload\":{\"items\":" + items(4) + "}}"));
    assertThat(failed.get("status").asText()).isEqualTo("failed");
    assertThat(failed.get("cause").get("stepId").asText()).isEqualTo("M");
    assertThat(failed.get("cause").get("errorClass").asText()).isEqualTo("invalid_input");
    assertThat(failed.get("cause").get("message").asText()).contains("failed at step 'call': odd");

    JsonNode collected =
        finished(
            execute(
                "{\"plan\":"
                    + map("picky", ",\"onElementFailure\":\"collect\"")
                    + ",\"payload\":{\"items\":"
                    + items(4)
                    + "}}"));
    assertThat(collected.get("status").asText()).isEqualTo("completed");
    JsonNode output = collected.get("output").get("M");
    assertThat(output.get(0).get("n").asInt()).isZero();
    assertThat(output.get(1).get("error").get("errorClass").asText()).isEqualTo("invalid_input");
    assertThat(output.get(1).get("error").get("step").asText()).isEqualTo("call");
    assertThat(output.get(2).get("n").asInt()).isEqualTo(2);
    assertThat(output.get(3).has("error")).isTrue();
  }

  private static String loop(int maxIterations, int target) {
    // Each iteration counts one up from the iteration before; the loop ends at the target.
    return "{\"plan\":{\"steps\":[{\"id\":\"L\",\"kind\":\"loop\",\"maxIterations\":"
        + maxIterations
        + ",\"until\":\"steps.check.output.count >= "
        + target
        + "\",\"steps\":[{\"id\":\"count\",\"kind\":\"transform\","
        + "\"expression\":\"{'count': (previous.count.output.count ? previous.count.output.count"
        + " : 0) + 1, 'iteration': iteration}\"},"
        + "{\"id\":\"check\",\"capability\":\"echo\",\"dependsOn\":[\"count\"],"
        + "\"input\":\"${steps.count.output}\"}]}]},\"payload\":{}}";
  }

  @Test
  void aLoopRepeatsUntilItsConditionOverTheIterationHolds() throws Exception {
    JsonNode run = finished(execute(loop(5, 3)));
    assertThat(run.get("status").asText()).isEqualTo("completed");
    JsonNode output = run.get("output").get("L");
    assertThat(output.get("iterations").asInt()).isEqualTo(3);
    assertThat(output.get("outputs").get("check").get("count").asInt()).isEqualTo(3);
    assertThat(output.get("outputs").get("count").get("iteration").asInt()).isEqualTo(3);
    assertThat(stepIds(run)).contains("L.i1.count", "L.i2.check", "L.i3.check");
    assertThat(stepIds(run)).doesNotContain("L.i4.count");
  }

  @Test
  void aLoopThatReachesMaxIterationsFailsWithLoopLimit() throws Exception {
    JsonNode run = finished(execute(loop(2, 10)));
    assertThat(run.get("status").asText()).isEqualTo("failed");
    assertThat(run.get("cause").get("errorClass").asText()).isEqualTo("loop_limit");
    assertThat(run.get("cause").get("message").asText()).contains("ran 2 iterations");
    assertThat(stepIds(run)).contains("L.i2.check").doesNotContain("L.i3.count");
  }

  @Test
  void aBadSubPlanIsRefusedWithAProblem() throws Exception {
    RawHttp.Response refused =
        post(
            "{\"plan\":{\"steps\":[{\"id\":\"M\",\"kind\":\"map\",\"concurrency\":0,"
                + "\"steps\":[{\"id\":\"a\",\"capability\":\"echo\"}]}]}}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.header("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = json(refused.body());
    assertThat(problem.get("field").asText()).isEqualTo("plan.steps[0].concurrency");

    RawHttp.Response outside =
        post(
            "{\"plan\":{\"steps\":[{\"id\":\"L\",\"kind\":\"loop\",\"until\":\"true\","
                + "\"steps\":[{\"id\":\"a\",\"capability\":\"echo\",\"input\":\"${item}\"}]}]}}");
    assertThat(outside.status()).isEqualTo(400);
    assertThat(json(outside.body()).get("field").asText())
        .isEqualTo("plan.steps[0].steps[0].input");
    assertThat(json(outside.body()).get("detail").asText())
        .contains("only a map's sub-plan has item");
  }

  private List<String> stepIds(JsonNode run) {
    List<String> ids = new ArrayList<>();
    run.get("steps").forEach(step -> ids.add(step.get("id").asText()));
    return ids;
  }

  private String execute(String body) throws Exception {
    return runs.execute(api, body, UUID.randomUUID().toString());
  }

  private JsonNode finished(String runId) throws Exception {
    Await.until(
        () -> !List.of("queued", "running").contains(run(runId).get("status").asText()), WAIT);
    return runs.run(api, runId);
  }

  private JsonNode run(String runId) {
    try {
      return runs.run(api, runId);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An execute request answered as it is, refusals included. */
  private RawHttp.Response post(String body) {
    int port = URI.create(api).getPort();
    return RawHttp.send(
        port,
        "POST",
        "/api/v1/execute",
        Map.of("Host", "127.0.0.1:" + port, "Content-Type", "application/json"),
        body);
  }

  private static JsonNode json(String text) throws IOException {
    return LatticeJson.mapper().readTree(text);
  }
}
