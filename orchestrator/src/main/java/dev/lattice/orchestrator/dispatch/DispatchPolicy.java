package dev.lattice.orchestrator.dispatch;

import dev.lattice.orchestrator.policy.LeaseSettings;
import dev.lattice.orchestrator.policy.PolicySettings;
import dev.lattice.protocol.agent.AllowList;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.agent.BudgetFigures;
import dev.lattice.protocol.agent.BudgetScope;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.audit.AuditKind;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.plan.RequestedModel;
import java.util.Optional;

/**
 * The policies a dispatcher applies to each assignment: allow-lists and the step's budget before
 * dispatch, prices and the step's cost budget after. Pure; the tenant's budget needs its ledger and
 * is the dispatcher's to ask.
 */
public final class DispatchPolicy {
  /** What happens to an assignment before dispatch. */
  sealed interface Admission {}

  /**
   * Let through, with the tool lists that apply, holding {@code hold}; reserved with the tenant's
   * ledger first when {@code tenantLimited}.
   */
  record Admitted(Assignment assignment, Spend hold, boolean tenantLimited) implements Admission {}

  /** Refused: the attempt fails with {@code error}, recorded as {@code kind}. */
  record Refused(StepError error, AuditKind kind) implements Admission {}

  private final PolicySettings policy;

  public DispatchPolicy(PolicySettings policy) {
    this.policy = policy;
  }

  Admission admit(Assignment assignment) {
    String model = RequestedModel.of(assignment.input(), assignment.model());
    Optional<AllowList> denied =
        policy.allowLists().modelDenial(assignment.tenant(), assignment.capability(), model);
    if (denied.isPresent()) {
      return new Refused(
          StepError.of(
              ErrorClass.POLICY_DENIED,
              "model '"
                  + model
                  + "' is not on the allow-list "
                  + denied.get().rule()
                  + " "
                  + denied.get().allowed().stream().sorted().toList()),
          AuditKind.DENIED);
    }
    if (assignment.part() != null && !assignment.part().turnStep()) {
      // A model's tool call: the tool is the capability, under the tenant's tool allow-lists.
      for (AllowList list :
          policy.allowLists().tools(assignment.tenant(), assignment.capability())) {
        if (!list.allows(assignment.capability())) {
          return new Refused(
              StepError.of(
                  ErrorClass.POLICY_DENIED,
                  "tool '"
                      + assignment.capability()
                      + "' is not on the allow-list "
                      + list.rule()
                      + " "
                      + list.allowed().stream().sorted().toList()),
              AuditKind.DENIED);
        }
      }
    }
    Spend expected = policy.estimator().expected(assignment.capability(), assignment.model());
    BudgetFigures step =
        new BudgetFigures(BudgetScope.STEP, assignment.budget(), null, null, expected);
    if (step.exceeded()) {
      return new Refused(StepError.budgetExceeded(step), AuditKind.BUDGET_EXCEEDED);
    }
    boolean tenantLimited = policy.tenantBudget(assignment.tenant()).isPresent();
    Assignment admitted =
        assignment.withTools(
            policy.allowLists().tools(assignment.tenant(), assignment.capability()));
    if (tenantLimited) {
      // An llm attempt goes out with what it holds as its limit, which its action keeps within.
      admitted =
          admitted.withBudget(
              policy
                  .estimator()
                  .envelope(
                      assignment.capability(),
                      assignment.model(),
                      assignment.budget(),
                      assignment.input()));
    }
    Spend hold =
        policy
            .estimator()
            .estimate(
                assignment.capability(), assignment.model(), admitted.budget(), assignment.input());
    return new Admitted(admitted, hold, tenantLimited);
  }

  /**
   * {@code result} with its usage priced from the price table; a success whose priced cost is over
   * the step's cost budget is turned into {@code budget_exceeded} (the agent checked the cost it
   * knew, not the price table's).
   */
  AssignmentResult priced(Assignment assignment, AssignmentResult result) {
    StepOutcome outcome = result.outcome();
    Usage reported = usage(result);
    if (!policy.prices().knows(reported.model())) {
      return result;
    }
    Usage usage = policy.prices().priced(reported);
    StepOutcome pricedOutcome;
    if (outcome instanceof StepOutcome.Succeeded ok) {
      BudgetFigures figures =
          new BudgetFigures(BudgetScope.STEP, assignment.budget(), null, null, Spend.of(usage));
      pricedOutcome =
          figures.exceeded()
              ? new StepOutcome.Failed(StepError.budgetExceeded(figures), usage, ok.rejected())
              : new StepOutcome.Succeeded(ok.output(), usage, ok.rejected());
    } else {
      pricedOutcome =
          new StepOutcome.Failed(((StepOutcome.Failed) outcome).error(), usage, outcome.rejected());
    }
    return new AssignmentResult(
        result.runId(),
        result.stepId(),
        result.attempt(),
        result.idempotencyKey(),
        result.agentId(),
        pricedOutcome);
  }

  /** Whether attempts of {@code tenant} are reserved with its ledger. */
  boolean tenantLimited(TenantId tenant) {
    return policy.tenantBudget(tenant).isPresent();
  }

  /** How dispatchers take their tenants' budgets ahead from the ledgers. */
  LeaseSettings lease() {
    return policy.ledger().lease();
  }

  /** The usage of {@code result}. */
  static Usage usage(AssignmentResult result) {
    return result.outcome() instanceof StepOutcome.Succeeded ok
        ? ok.usage()
        : ((StepOutcome.Failed) result.outcome()).usage();
  }
}
