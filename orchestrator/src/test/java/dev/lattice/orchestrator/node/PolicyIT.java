package dev.lattice.orchestrator.node;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.TenantUsage;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.audit.AuditKind;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.worker.action.ActionResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each dispatch policy through a real node and journal: allow-lists deny with the rule named,
 * budgets fail closed with their figures, a tenant over its period budget has its next run refused.
 */
class PolicyIT {
  @TempDir static Path data;
  static Lattice lattice;

  @BeforeAll
  static void start() {
    lattice =
        Lattice.builder()
            .dataDirectory(data)
            .config(
                ConfigFactory.parseString(
                    "lattice.policy {\n"
                        + " prices { m1 { prompt-per-1k-tokens = 1, completion-per-1k-tokens = 2 } }\n"
                        + " tenants {\n"
                        + "   acme { models = [m1], tools = [search] }\n"
                        + "   thrifty { budget { max-tokens = 1000, period = 1d } }\n"
                        + "   leasing { budget { max-tokens = 10000, period = 1d } } }\n"
                        + " estimates.capabilities.metered.tokens = 100 }"))
            // Reports what its input says it used, in model m1.
            .action(
                "llm",
                (request, context) ->
                    CompletableFuture.completedFuture(
                        ActionResult.of(
                            request.input(),
                            new Usage(
                                "m1",
                                request.input().path("prompt").asLong(),
                                request.input().path("completion").asLong(),
                                null))))
            // Uses exactly its estimate: 100 tokens.
            .action(
                "metered",
                (request, context) ->
                    CompletableFuture.completedFuture(
                        ActionResult.of(request.input(), new Usage(null, 60, 40, null))))
            // Calls the tool its input names, if the policy lets it.
            .action(
                "tooling",
                (request, context) -> {
                  context.useTool(request, request.input().path("tool").asText());
                  return CompletableFuture.completedFuture(ActionResult.of(request.input()));
                })
            .start();
  }

  @AfterAll
  static void stop() {
    lattice.close();
  }

  private static RunView run(String tenant, String planJson) {
    RunId runId =
        Await.result(
                lattice
                    .client()
                    .execute(
                        ExecuteRequest.plan(plan(planJson), json("{}"))
                            .withTenant(TenantId.of(tenant))))
            .runId();
    return Await.result(lattice.client().awaitTerminal(runId));
  }

  private static List<AuditEntry> audit(RunView run) {
    return Await.result(lattice.client().audit(RunId.of(run.runId()))).entries();
  }

  private static List<RunEvent> events(RunId runId) {
    return Await.result(lattice.client().events(runId, 1).runWith(Sink.seq(), lattice.system()));
  }

  @Test
  void aModelNamedInTheStepsInputIsHeldToTheListsToo() {
    // The llm action takes the input's model before the step's: the lists must see that one.
    RunView done =
        run(
            "acme",
            "{'steps': [{'id': 'a', 'capability': 'llm', 'model': 'm1',"
                + " 'input': {'model': 'gpt-huge', 'prompt': 'hi'}}]}");
    assertThat(done.status()).isEqualTo(RunStatus.FAILED);
    assertThat(done.cause().errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(done.cause().message())
        .isEqualTo(
            "model 'gpt-huge' is not on the allow-list lattice.policy.tenants.acme.models [m1]");
  }

  @Test
  void aModelOffTheTenantsListIsDeniedAndTheRunFailsClosedNamingTheRule() {
    RunView done =
        run(
            "acme",
            "{'steps': [{'id': 'a', 'capability': 'llm', 'model': 'gpt-huge', 'input': {}}]}");
    assertThat(done.status()).isEqualTo(RunStatus.FAILED);
    assertThat(done.cause().errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(done.cause().message())
        .isEqualTo(
            "model 'gpt-huge' is not on the allow-list lattice.policy.tenants.acme.models [m1]");
    assertThat(done.steps().get(0).attempts()).isEqualTo(1);
    // The dispatcher's audit trail says who denied it and why.
    Await.until(() -> !audit(done).isEmpty(), Duration.ofSeconds(10));
    assertThat(audit(done))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(AuditKind.DENIED);
              assertThat(e.detail()).contains("lattice.policy.tenants.acme.models");
            });
    // The same plan with an allowed model runs: enqueued, dispatched to an agent, done.
    RunView allowed =
        run("acme", "{'steps': [{'id': 'a', 'capability': 'llm', 'model': 'm1', 'input': {}}]}");
    assertThat(allowed.status()).isEqualTo(RunStatus.COMPLETED);
    Await.until(() -> audit(allowed).size() == 3, Duration.ofSeconds(10));
    assertThat(audit(allowed))
        .extracting(AuditEntry::kind)
        .containsExactly(AuditKind.ENQUEUED, AuditKind.DISPATCHED, AuditKind.DONE);
    assertThat(audit(allowed).get(1).agentId()).isNotNull();
  }

  @Test
  void aToolCallOutsideTheTenantsListIsDenied() {
    RunView denied =
        run(
            "acme",
            "{'steps': [{'id': 'a', 'capability': 'tooling', 'input': {'tool': 'shell'}}]}");
    assertThat(denied.status()).isEqualTo(RunStatus.FAILED);
    assertThat(denied.cause().errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(denied.cause().message())
        .isEqualTo(
            "tool 'shell' is not on the allow-list lattice.policy.tenants.acme.tools [search]");
    assertThat(
            run(
                    "acme",
                    "{'steps': [{'id': 'a', 'capability': 'tooling', 'input': {'tool': 'search'}}]}")
                .status())
        .isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void aStepOverItsBudgetFailsClosedWithBudgetExceededAndTheFigures() {
    // 300 prompt + 100 completion tokens of m1 cost 0.3 + 0.2 = 0.5 USD; the step allows 0.4.
    RunView done =
        run(
            "default",
            "{'steps': [{'id': 'a', 'capability': 'llm', 'model': 'm1', 'budget': {'maxCostUsd':"
                + " 0.4}, 'input': {'prompt': 300, 'completion': 100}}]}");
    assertThat(done.status()).isEqualTo(RunStatus.FAILED);
    assertThat(done.cause().errorClass()).isEqualTo(ErrorClass.BUDGET_EXCEEDED);
    assertThat(done.usage().costUsd()).isEqualByComparingTo("0.5");
    RunEvent exceeded =
        events(RunId.of(done.runId())).stream()
            .filter(e -> e.type().equals("budget.exceeded"))
            .findFirst()
            .orElseThrow();
    assertThat(exceeded.stepId()).isEqualTo("a");
    assertThat(exceeded.data().at("/figures/scope").asText()).isEqualTo("step");
    assertThat(exceeded.data().at("/figures/limit/maxCostUsd").decimalValue())
        .isEqualByComparingTo("0.4");
    assertThat(exceeded.data().at("/figures/requested/costUsd").decimalValue())
        .isEqualByComparingTo("0.5");
    assertThat(exceeded.data().at("/action").asText()).isEqualTo("fail");
  }

  @Test
  void aTenantOverItsPeriodBudgetHasItsNextRunRefused() {
    RunView spent =
        run(
            "thrifty",
            "{'steps': [{'id': 'a', 'capability': 'llm', 'model': 'm1', 'input': {'prompt': 700,"
                + " 'completion': 400}}]}");
    assertThat(spent.status()).isEqualTo(RunStatus.COMPLETED);
    Await.until(
        () ->
            Await.result(lattice.client().tenantUsage(TenantId.of("thrifty")))
                .map(TenantUsage::spent)
                .orElse(false),
        Duration.ofSeconds(10));
    assertThatThrownBy(
            () ->
                Await.result(
                    lattice
                        .client()
                        .execute(
                            ExecuteRequest.plan(
                                    plan("{'steps': [{'id': 'a', 'capability': 'llm'}]}"),
                                    json("{}"))
                                .withTenant(TenantId.of("thrifty")))))
        .isInstanceOf(TenantBudgetSpentException.class)
        .hasMessageContaining("tenant 'thrifty' has spent its budget")
        .hasMessageContaining("1100 tokens");
    // Other tenants are not affected.
    assertThat(
            run("default", "{'steps': [{'id': 'a', 'capability': 'llm', 'input': {}}]}").status())
        .isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void leasesOfATenantsBudgetNeverRefuseWhatItAllowsNorLetItOverspend() {
    // 10,000 tokens, 100 per attempt: exactly 100 attempts fit. Dispatchers take leases of 32
    // attempts, so the last ones are only let through once the unused leases are recalled.
    StringBuilder steps = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      steps.append(i == 0 ? "" : ", ").append("{'id': 's" + i + "', 'capability': 'metered'}");
    }
    String plan = "{'steps': [" + steps + "]}";
    List<CompletableFuture<RunView>> runs = new ArrayList<>();
    for (int r = 0; r < 10; r++) {
      runs.add(CompletableFuture.supplyAsync(() -> run("leasing", plan)));
    }
    for (CompletableFuture<RunView> done : runs) {
      RunView view = done.join();
      assertThat(view.status())
          .as(view.runId() + ": " + view.cause())
          .isEqualTo(RunStatus.COMPLETED);
    }
    Await.until(
        () ->
            Await.result(lattice.client().tenantUsage(TenantId.of("leasing")))
                .map(usage -> usage.used().tokens() == 10_000 && usage.reserved().none())
                .orElse(false),
        Duration.ofSeconds(10));
    // Spent to the token: the next run is refused.
    assertThatThrownBy(() -> run("leasing", plan)).isInstanceOf(TenantBudgetSpentException.class);
  }
}
