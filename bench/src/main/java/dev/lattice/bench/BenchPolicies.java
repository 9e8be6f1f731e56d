package dev.lattice.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.plan.Budget;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.AgentAction;
import java.math.BigDecimal;
import java.util.concurrent.CompletableFuture;

/**
 * The bench with every dispatcher policy in force and passed by every step: the steps name a priced
 * model on the model allow-lists of their tenant and capability, carry a step budget, run under a
 * run budget and a tenant budget (so each attempt is reserved with the tenant's ledger before
 * dispatch and settled after), and their agent checks a tool against the tool allow-list and
 * reports token usage, which the dispatcher prices. The limits are far above what the bench spends:
 * nothing is refused, everything is checked.
 */
final class BenchPolicies {
  static final String MODEL = "bench-model";
  static final String TOOL = "echo";
  static final String ACTION = "metered-echo";

  /** What each echo reports having used, like a small model call. */
  private static final Usage USAGE = new Usage(MODEL, 60, 40, BigDecimal.ZERO);

  private static final Budget STEP_BUDGET = new Budget(1_000L, new BigDecimal("1"));
  private static final Budget RUN_BUDGET = new Budget(100_000L, new BigDecimal("100"));

  private BenchPolicies() {}

  static Config config() {
    return ConfigFactory.parseString(
        String.join(
            "\n",
            "lattice.policy {",
            "  prices { \"" + MODEL + "\" {",
            "    prompt-per-1k-tokens = 0.001, completion-per-1k-tokens = 0.002 } }",
            "  estimates.capabilities.echo.tokens = 200",
            "  tenants.default {",
            "    models = [\"" + MODEL + "\"], tools = [\"" + TOOL + "\"]",
            "    budget { max-tokens = 1000000000000, max-cost-usd = 1000000000, period = 1d }",
            "  }",
            "  capabilities.echo { models = [\"" + MODEL + "\"], tools = [\"" + TOOL + "\"] }",
            "}",
            "lattice.worker.agents = [{",
            "  id = echo, action = \"" + ACTION + "\", capabilities = [echo],",
            "  models = [\"" + MODEL + "\"], max-concurrent = 512 }]"));
  }

  /** Echo that checks its tool and reports {@link #USAGE}. */
  static AgentAction action() {
    return (request, context) -> {
      context.useTool(request, TOOL);
      return CompletableFuture.completedFuture(ActionResult.of(request.input(), USAGE));
    };
  }

  /** {@code plan} with the model and step budget on every step and a run budget. */
  static PlanSpec plan(PlanSpec plan) {
    return new PlanSpec(
        plan.steps().stream().map(BenchPolicies::step).toList(),
        plan.retry(),
        plan.deadlineMs(),
        RUN_BUDGET,
        null);
  }

  private static StepSpec step(StepSpec s) {
    return new StepSpec(
        s.id(),
        s.kind(),
        s.dependsOn(),
        s.input(),
        s.capability(),
        MODEL,
        STEP_BUDGET,
        s.retry(),
        s.timeouts(),
        s.expression(),
        s.condition(),
        s.onFalse(),
        s.durationMs(),
        s.signal(),
        s.url());
  }
}
