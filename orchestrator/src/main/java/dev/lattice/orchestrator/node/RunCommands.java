package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.plan.Planner;
import dev.lattice.orchestrator.run.RunEntity;
import dev.lattice.orchestrator.run.core.RunRedaction;
import dev.lattice.persistence.query.UnknownRunException;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.IntentView;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.api.OverrideRequest;
import dev.lattice.protocol.api.PlannedRun;
import dev.lattice.protocol.api.RunAccepted;
import dev.lattice.protocol.api.SignalRequest;
import dev.lattice.protocol.api.TenantUsage;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.json.PayloadLimits;
import dev.lattice.protocol.plan.ExecutionMode;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.run.RunSpec;
import dev.lattice.protocol.run.RunTrace;
import dev.lattice.protocol.run.RunView;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * What the client tells runs: plan and start them, intervene in them, wait for their end. Every
 * message goes to the run's entity through sharding and is asked again when no answer comes (see
 * {@link AskAgain}).
 */
final class RunCommands {
  private final ClusterSharding sharding;
  private final AgentCapabilities capabilities;
  private final Planner planner;
  private final TenantAdmission admission;
  private final PayloadLimits payloadLimits;
  private final AskAgain askAgain;
  private final Duration awaitTimeout;
  private final Executor executor;
  private final RunRedaction redaction;

  RunCommands(
      ClusterSharding sharding,
      AgentCapabilities capabilities,
      Planner planner,
      TenantAdmission admission,
      PayloadLimits payloadLimits,
      AskAgain askAgain,
      Duration awaitTimeout,
      Executor executor,
      RunRedaction redaction) {
    this.sharding = sharding;
    this.capabilities = capabilities;
    this.planner = planner;
    this.admission = admission;
    this.payloadLimits = payloadLimits;
    this.askAgain = askAgain;
    this.awaitTimeout = awaitTimeout;
    this.executor = executor;
    this.redaction = redaction;
  }

  /**
   * The validated plan {@code request} would run, against the capabilities agents offer now. For a
   * goal, that is the plan its planner writes: in a dry run of the goal, which runs the planner and
   * nothing of its plan, and whose events keep every turn. Its step inputs are shown as a run would
   * hold them: redacted.
   */
  CompletionStage<PlannedRun> plan(ExecuteRequest request) {
    if (request.goal() == null) {
      return planned(request).thenApply(this::redacted);
    }
    return execute(request.withMode(ExecutionMode.DRY_RUN), null)
        .thenCompose(accepted -> awaitTerminal(accepted.runId()))
        .thenApplyAsync(view -> GoalPlanned.of(request, view), executor);
  }

  /** The plan a run of {@code request} starts with (for a goal, the planner's step). */
  private CompletionStage<PlannedRun> planned(ExecuteRequest request) {
    return capabilities.apply(offered -> planner.plan(request, offered, capabilities.described()));
  }

  private PlannedRun redacted(PlannedRun planned) {
    PlanSpec plan = redaction.plan(planned.plan());
    return plan == planned.plan()
        ? planned
        : new PlannedRun(
            planned.tenant(),
            planned.mode(),
            planned.source(),
            plan,
            planned.estimate(),
            planned.warnings(),
            planned.plannedBy(),
            planned.plannerUsage());
  }

  /** The intents the planner knows, with their descriptions and payload schemas. */
  CompletionStage<List<IntentView>> intents() {
    return CompletableFuture.completedFuture(planner.intentViews());
  }

  /** Plans {@code request}, admits it for its tenant and starts it. */
  CompletionStage<RunAccepted> execute(ExecuteRequest request, String idempotencyKey) {
    return planned(request)
        .thenCompose(admission::admit)
        .thenComposeAsync(planned -> start(planned, request, idempotencyKey), executor);
  }

  private CompletionStage<RunAccepted> start(
      PlannedRun planned, ExecuteRequest request, String idempotencyKey) {
    RunId runId = runIdFor(planned, idempotencyKey);
    RunSpec spec = spec(planned, request, idempotencyKey);
    EntityRef<RunEntity.Command> run = runRef(runId);
    return askAgain.withinAskTimeout(
        (attempt, timeout) ->
            run.<RunAccepted>askWithStatus(
                replyTo ->
                    new RunEntity.StartRun(
                        spec,
                        // A random id is new: its entity need not replay an (empty) journal. Sent
                        // again, it may have been written meanwhile.
                        idempotencyKey == null && attempt == 0,
                        replyTo),
                timeout));
  }

  /** What the run is asked to do, as its first event records it. */
  static RunSpec spec(PlannedRun planned, ExecuteRequest request, String idempotencyKey) {
    return new RunSpec(
        planned.tenant(),
        planned.mode(),
        planned.source(),
        planned.plan(),
        request.payload(),
        idempotencyKey,
        request.priority(),
        null,
        RunTrace.startedUnder(request.traceparent()));
  }

  /** A fresh id, or for an idempotency key the same id every time (per tenant). */
  private static RunId runIdFor(PlannedRun planned, String idempotencyKey) {
    if (idempotencyKey == null) {
      return RunId.random();
    }
    byte[] name =
        (planned.tenant().value() + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8);
    return RunId.of(UUID.nameUUIDFromBytes(name).toString());
  }

  /** The usage of {@code tenant} in its current budget period, if it has a budget. */
  CompletionStage<Optional<TenantUsage>> tenantUsage(TenantId tenant) {
    return admission.usage(tenant);
  }

  CompletionStage<RunView> intervene(RunId runId, InterventionType type, Intervention who) {
    return intervention(runId, type, replyTo -> new RunEntity.Intervene(type, who, replyTo));
  }

  CompletionStage<RunView> signal(RunId runId, String name, SignalRequest request) {
    Optional<String> unfit = payloadLimits.violation(request.data());
    if (unfit.isPresent()) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("the signal's data " + unfit.get()));
    }
    return intervention(
        runId, InterventionType.SIGNAL, replyTo -> new RunEntity.Signal(name, request, replyTo));
  }

  CompletionStage<RunView> override(RunId runId, String stepId, OverrideRequest request) {
    Optional<String> unfit = payloadLimits.violation(request.output());
    if (unfit.isPresent()) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("the override's output " + unfit.get()));
    }
    return intervention(
        runId,
        InterventionType.OVERRIDE,
        replyTo -> new RunEntity.OverrideStep(stepId, request, replyTo));
  }

  CompletionStage<RunView> retry(RunId runId, String stepId, Intervention who) {
    return intervention(
        runId, InterventionType.RETRY, replyTo -> new RunEntity.RetryStep(stepId, who, replyTo));
  }

  private CompletionStage<RunView> intervention(
      RunId runId,
      InterventionType type,
      Function<ActorRef<RunEntity.InterventionOutcome>, RunEntity.Command> command) {
    EntityRef<RunEntity.Command> run = runRef(runId);
    return askAgain
        .withinAskTimeout(
            (attempt, timeout) -> run.<RunEntity.InterventionOutcome>ask(command::apply, timeout))
        .thenApplyAsync(
            outcome -> {
              if (outcome.run() == null) {
                throw new UnknownRunException(runId);
              }
              if (outcome.refused() != null) {
                throw new InterventionRefusedException(runId, type, outcome.refused());
              }
              return outcome.run();
            },
            executor);
  }

  /**
   * The run's state once it has ended. The run answers when it ends; an ask that times out (a very
   * long run, or the run moved to another node and forgot its waiters) is simply asked again.
   */
  CompletionStage<RunView> awaitTerminal(RunId runId) {
    EntityRef<RunEntity.Command> run = runRef(runId);
    return askAgain
        .untilAnswered(
            awaitTimeout,
            (attempt, timeout) -> run.<RunView>askWithStatus(RunEntity.AwaitTerminal::new, timeout))
        .exceptionally(
            failure -> {
              if (Failures.cause(failure) instanceof StatusReply.ErrorMessage) {
                throw new UnknownRunException(runId);
              }
              throw failure instanceof CompletionException completion
                  ? completion
                  : new CompletionException(failure);
            });
  }

  private EntityRef<RunEntity.Command> runRef(RunId runId) {
    return sharding.entityRefFor(RunEntity.ENTITY_TYPE_KEY, runId.value());
  }
}
