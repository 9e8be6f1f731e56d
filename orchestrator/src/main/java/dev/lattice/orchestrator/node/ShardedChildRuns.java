package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.plan.ChildRunLimits;
import dev.lattice.orchestrator.plan.PlanRejectedException;
import dev.lattice.orchestrator.plan.Planner;
import dev.lattice.orchestrator.run.ChildRuns;
import dev.lattice.orchestrator.run.RunEntity;
import dev.lattice.orchestrator.run.core.ChildOutcomes;
import dev.lattice.orchestrator.run.core.ChildStart;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.api.PlannedRun;
import dev.lattice.protocol.api.RunAccepted;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.plan.Budget;
import dev.lattice.protocol.plan.ExecutionMode;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.run.ParentRun;
import dev.lattice.protocol.run.RunSpec;
import dev.lattice.protocol.run.RunView;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Child runs started through sharding, wherever they live. A start first asks the child whether it
 * exists (a start sent again after a restart finds it, and a child that ended answers with its
 * result again); only a child that does not exist yet is planned and started, with its parent's
 * step recorded in its first event. Whatever fails on the way (an answer that does not come) is
 * left to the parent, which sends the start again; a child that cannot be planned is a failure of
 * the parent's step.
 */
final class ShardedChildRuns implements ChildRuns {
  private static final Logger LOG = LoggerFactory.getLogger(ShardedChildRuns.class);

  private final ClusterSharding sharding;
  private final AgentCapabilities capabilities;
  private final Planner planner;
  private final ChildRunLimits limits;
  private final ActorRef<RunEntity.InterventionOutcome> ignored;
  private final Duration askTimeout;
  private final Executor executor;

  ShardedChildRuns(
      ClusterSharding sharding,
      AgentCapabilities capabilities,
      Planner planner,
      ChildRunLimits limits,
      ActorRef<RunEntity.InterventionOutcome> ignored,
      Duration askTimeout,
      Executor executor) {
    this.sharding = sharding;
    this.capabilities = capabilities;
    this.planner = planner;
    this.limits = limits;
    this.ignored = ignored;
    this.askTimeout = askTimeout;
    this.executor = executor;
  }

  @Override
  public void start(ChildStart start) {
    ParentRun parent = start.parent();
    run(start.childId())
        .<RunView>askWithStatus(RunEntity.GetRun::new, askTimeout)
        .whenCompleteAsync(
            (child, error) -> {
              if (error == null) {
                started(parent);
                if (child.status().terminal()) {
                  report(ChildOutcomes.ended(parent, child));
                }
              } else if (cause(error) instanceof StatusReply.ErrorMessage) {
                create(start);
              } else {
                LOG.debug("child run {} did not answer; its parent asks again", start.childId());
              }
            },
            executor);
  }

  /** Plans the child {@code start} asks for and starts it. */
  private void create(ChildStart start) {
    ParentRun parent = start.parent();
    if (parent.depth() > limits.maxDepth()) {
      report(
          ChildOutcomes.refused(
              parent,
              ErrorClass.INVALID_PLAN,
              "a child run "
                  + parent.depth()
                  + " levels deep is not allowed; at most "
                  + limits.maxDepth()
                  + " (lattice.run.child.max-depth)"));
      return;
    }
    ExecuteRequest request =
        new ExecuteRequest(
            start.tenant(),
            start.payload(),
            ExecutionMode.AUTO,
            start.intent(),
            null,
            start.plan(),
            start.priority(),
            start.goal(),
            null);
    capabilities
        .apply(offered -> planner.plan(request, offered, capabilities.described()))
        .thenCompose(planned -> started(start, spec(planned, request, start)))
        .whenCompleteAsync(
            (accepted, error) -> {
              if (error == null) {
                started(parent);
                return;
              }
              Throwable cause = cause(error);
              if (cause instanceof PlanRejectedException rejected) {
                report(
                    ChildOutcomes.refused(
                        parent,
                        ErrorClass.INVALID_PLAN,
                        "the child run cannot start: " + rejected.getMessage()));
              } else {
                LOG.debug("child run {} did not start yet: {}", start.childId(), cause.toString());
              }
            },
            executor);
  }

  private CompletionStage<RunAccepted> started(ChildStart start, RunSpec spec) {
    return run(start.childId())
        .askWithStatus(replyTo -> new RunEntity.StartRun(spec, false, replyTo), askTimeout);
  }

  /** The child's spec: its plan kept within the budget and time its parent's step gives it. */
  static RunSpec spec(PlannedRun planned, ExecuteRequest request, ChildStart start) {
    PlanSpec plan = planned.plan();
    Budget budget = plan.budget() == null ? start.budget() : plan.budget().within(start.budget());
    boolean unlimited = budget == null || Budget.UNLIMITED.equals(budget);
    long deadline =
        plan.deadlineMs() == null
            ? start.timeoutMs()
            : Math.min(plan.deadlineMs(), start.timeoutMs());
    PlanSpec bounded =
        new PlanSpec(
            plan.steps(),
            plan.retry(),
            deadline,
            unlimited ? null : budget,
            plan.onBudgetExceeded());
    return new RunSpec(
        planned.tenant(),
        planned.mode(),
        planned.source(),
        bounded,
        request.payload(),
        null,
        request.priority(),
        start.parent(),
        start.parentTrace() == null ? null : start.parentTrace().child());
  }

  @Override
  public void intervene(RunId child, InterventionType type, Intervention who) {
    run(child).tell(new RunEntity.Intervene(type, who, ignored));
  }

  @Override
  public void ended(ParentRun parent, RunView child) {
    // The parent may not have heard that its child started: a result needs a started attempt.
    started(parent);
    report(ChildOutcomes.ended(parent, child));
  }

  /** Tells the parent its step's child run exists: the step is running. */
  private void started(ParentRun parent) {
    run(parent.runId()).tell(new RunEntity.ReportStarted(parent.stepId(), parent.attempt(), null));
  }

  private void report(AssignmentResult result) {
    run(result.runId()).tell(new RunEntity.ReportResult(result));
  }

  private EntityRef<RunEntity.Command> run(RunId runId) {
    return sharding.entityRefFor(RunEntity.ENTITY_TYPE_KEY, runId.value());
  }

  private static Throwable cause(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }
}
