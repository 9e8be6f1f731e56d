package dev.lattice.orchestrator.node;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.RecordedRequest;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Fault;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Streaming;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.TenantUsage;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Budgets and rate limits of LLM steps through a real node (H2 file journal), its llm action
 * calling the scripted model server over real HTTP: 50 LLM steps of one tenant started at once
 * never spend more than the tenant's budget, those that do not fit end as their runs' budget action
 * says; and a provider's 429 is retried no sooner than its Retry-After.
 */
class LlmBudgetIT {
  private static final int STEPS = 50;
  private static final String MODEL = "scripted-model";
  // 400 characters: 100 completion tokens at the server's 4 characters a token, the step's
  // maxTokens.
  private static final String ANSWER = "0123456789".repeat(40);
  // What each step reserves: its prompt bound (per-call 16 + per-message 8 + the prompt's 16 bytes)
  // plus its maxTokens. The tenant's budget holds 20 of them at once; their real spend (4 + 100)
  // lets
  // 26 of them finish at most, so at least 24 never fit, however the runs interleave.
  private static final long HOLD = 16 + 8 + 16 + 100;
  private static final long TENANT_TOKENS = 20 * HOLD;
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  @TempDir static Path data;
  static ScriptedModelServer models;
  static Lattice lattice;
  static String api;
  private final HttpRuns http = new HttpRuns();

  @BeforeAll
  static void start() {
    models =
        ScriptedModelServer.start(
            Script.of(
                    // Slow enough that every step reserves before the first one settles.
                    ScriptEntry.text(ANSWER).when(Match.contains("budgeted call")).stream(
                            Streaming.none().withFirstTokenDelayMs(3000))
                        .times(STEPS),
                    ScriptEntry.fault(Fault.rateLimited((int) RETRY_AFTER.toSeconds()))
                        .when(Match.contains("limited call"))
                        .times(1),
                    ScriptEntry.text("after the wait").when(Match.contains("limited call")))
                .withModels(MODEL));
    lattice =
        Lattice.builder()
            .dataDirectory(data)
            .config(
                ConfigFactory.parseString(
                    """
                    lattice.llm.providers.local.base-url = "%s/v1"
                    lattice.worker.agents = [{
                      id = llm, action = llm, capabilities = [llm],
                      models = ["%s"], max-concurrent = 64, priority = 0
                    }]
                    lattice.policy.tenants.acme.budget { max-tokens = %d, period = 1d }
                    """
                        .formatted(models.baseUrl(), MODEL, TENANT_TOKENS)))
            .start();
    api = LoopbackApi.start(lattice);
  }

  @AfterAll
  static void stop() {
    lattice.close();
    models.close();
  }

  @Test
  void fiftyParallelLlmStepsOfOneTenantNeverSpendMoreThanItsBudget() {
    List<CompletionStage<RunId>> started = new ArrayList<>();
    for (int i = 0; i < STEPS; i++) {
      // Even runs fail a step that does not fit; odd ones pause for approval.
      String action = i % 2 == 0 ? "fail" : "pause";
      String planJson =
          "{'onBudgetExceeded': '%s', 'steps': [{'id': 'ask', 'capability': 'llm',"
                  .formatted(action)
              + " 'retry': {'maxAttempts': 1}, 'input': {'model': '%s',".formatted(MODEL)
              + " 'prompt': 'budgeted call %02d', 'maxTokens': 100}}]}".formatted(i);
      started.add(
          lattice
              .client()
              .execute(
                  ExecuteRequest.plan(plan(planJson), json("{}")).withTenant(TenantId.of("acme")))
              .thenApply(accepted -> accepted.runId()));
    }
    List<RunId> runs = started.stream().map(Await::result).toList();

    List<RunView> ended = new ArrayList<>();
    for (RunId runId : runs) {
      ended.add(settled(runId));
    }

    long completed = ended.stream().filter(r -> r.status() == RunStatus.COMPLETED).count();
    long spent = ended.stream().mapToLong(r -> r.usage().totalTokens()).sum();
    TenantUsage tenant =
        Await.result(lattice.client().tenantUsage(TenantId.of("acme"))).orElseThrow();
    assertThat(spent).isLessThanOrEqualTo(TENANT_TOKENS);
    assertThat(tenant.used().tokens()).isEqualTo(spent);
    assertThat(completed).isPositive().isLessThanOrEqualTo(TENANT_TOKENS / 104);
    for (int i = 0; i < STEPS; i++) {
      RunView run = ended.get(i);
      if (run.status() == RunStatus.COMPLETED) {
        assertThat(run.usage().completionTokens()).isLessThanOrEqualTo(100);
        continue;
      }
      if (i % 2 == 0) {
        assertThat(run.status()).as(run.runId()).isEqualTo(RunStatus.FAILED);
        assertThat(run.cause().errorClass()).isEqualTo(ErrorClass.BUDGET_EXCEEDED);
      } else {
        assertThat(run.status()).as(run.runId()).isEqualTo(RunStatus.PAUSED);
      }
      assertThat(run.usage().totalTokens()).isZero();
    }
    // No call asked for more than the step's maxTokens, and the refused ones made no call.
    List<RecordedRequest> calls =
        models.requests().stream().filter(r -> r.body().toString().contains("budgeted")).toList();
    assertThat(calls).hasSize((int) completed);
    assertThat(calls)
        .allSatisfy(c -> assertThat(c.body().get("max_tokens").asInt()).isEqualTo(100));
  }

  /** The run once it completed, failed, or paused with its step refused. */
  private static RunView settled(RunId runId) {
    RunView[] last = new RunView[1];
    Await.until(
        () -> {
          last[0] = Await.result(lattice.client().run(runId));
          return last[0].status() == RunStatus.COMPLETED
              || last[0].status() == RunStatus.FAILED
              || last[0].status() == RunStatus.PAUSED;
        },
        Duration.ofSeconds(60));
    return last[0];
  }

  @Test
  void aRateLimitedCallIsRetriedNoSoonerThanItsRetryAfter() throws Exception {
    String runId =
        http.execute(
            api,
            ("{'plan': {'steps': [{'id': 'ask', 'capability': 'llm', 'retry': {'maxAttempts': 2,"
                    + " 'initialBackoffMs': 10, 'maxBackoffMs': 10}, 'input': {'model': '%s',"
                    + " 'prompt': 'a limited call'}}]}}")
                .formatted(MODEL)
                .replace('\'', '"'),
            "rate-limited");
    RunView done = Await.result(lattice.client().awaitTerminal(RunId.of(runId)));

    assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(done.steps().get(0).attempts()).isEqualTo(2);
    List<RecordedRequest> calls =
        models.requests().stream().filter(r -> r.body().toString().contains("limited")).toList();
    assertThat(calls).hasSize(2);
    assertThat(Duration.between(calls.get(0).time(), calls.get(1).time()))
        .isGreaterThanOrEqualTo(RETRY_AFTER);
    List<JsonNode> events = http.events(api, runId);
    JsonNode failed = only(events, "step.failed");
    assertThat(failed.get("data").get("error").get("errorClass").asText())
        .isEqualTo("rate_limited");
    assertThat(failed.get("data").get("error").get("retryAfterMs").asLong())
        .isEqualTo(RETRY_AFTER.toMillis());
    Instant failedAt = Instant.parse(failed.get("timestamp").asText());
    Instant due =
        Instant.parse(only(events, "step.retry_scheduled").get("data").get("dueAt").asText());
    Instant dispatched = Instant.parse(only(events, "step.dispatched").get("timestamp").asText());
    assertThat(due).isAfterOrEqualTo(failedAt.plus(RETRY_AFTER));
    assertThat(dispatched).isAfterOrEqualTo(failedAt.plus(RETRY_AFTER));
  }

  private static JsonNode only(List<JsonNode> events, String type) {
    List<JsonNode> matching =
        events.stream().filter(e -> e.get("type").asText().equals(type)).toList();
    assertThat(matching).as(type).hasSize(1);
    return matching.get(0);
  }
}
