package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.policy.PolicyAudit;
import dev.lattice.protocol.api.AgentView;
import dev.lattice.protocol.api.ApprovalQuery;
import dev.lattice.protocol.api.AuditPage;
import dev.lattice.protocol.api.AuditQuery;
import dev.lattice.protocol.api.AuditVerification;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.IntentView;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.api.Invocation;
import dev.lattice.protocol.api.InvokeRequest;
import dev.lattice.protocol.api.NodeState;
import dev.lattice.protocol.api.OverrideRequest;
import dev.lattice.protocol.api.PendingApprovals;
import dev.lattice.protocol.api.PlannedRun;
import dev.lattice.protocol.api.Readiness;
import dev.lattice.protocol.api.RunAccepted;
import dev.lattice.protocol.api.RunAudit;
import dev.lattice.protocol.api.RunPage;
import dev.lattice.protocol.api.RunQuery;
import dev.lattice.protocol.api.RunSummary;
import dev.lattice.protocol.api.SignalRequest;
import dev.lattice.protocol.api.TenantBudgets;
import dev.lattice.protocol.api.TenantUsage;
import dev.lattice.protocol.ids.BusKey;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.log.RunLogPage;
import dev.lattice.protocol.log.RunLogQuery;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunStreamElement;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepDelta;
import dev.lattice.protocol.session.SessionName;
import dev.lattice.protocol.session.SessionView;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * What an application does with Lattice, in its own JVM; the HTTP API and the CLI are thin layers
 * over the same calls. Every call is asynchronous. Failures arrive as exceptional completion:
 * {@code PlanRejectedException} for a request that cannot run, {@code UnknownRunException} for a
 * run that does not exist.
 */
public interface LatticeClient {

  /** The validated plan {@code request} would run, with its estimate; runs nothing. */
  CompletionStage<PlannedRun> plan(ExecuteRequest request);

  /**
   * The intents this node can run (its plan templates), each with its description and the JSON
   * Schema of its payload where the template gives them.
   */
  CompletionStage<List<IntentView>> intents();

  /** Starts a run; completes once its first events are durable. */
  CompletionStage<RunAccepted> execute(ExecuteRequest request);

  /**
   * Starts a run unless one was already started with {@code idempotencyKey} in the same tenant;
   * then answers with that run ({@code created = false}).
   */
  CompletionStage<RunAccepted> execute(ExecuteRequest request, String idempotencyKey);

  /** A run's current state, as persisted. */
  CompletionStage<RunView> run(RunId runId);

  /** A page of runs from the run index, filtered and ordered as {@code query} says. */
  CompletionStage<RunPage> runs(RunQuery query);

  /**
   * The steps that wait for a signal (a person's approval, say) in the newest unfinished runs, at
   * most {@code query.maxRuns()} of them: wait steps with a signal, and planners whose plan waits
   * for {@code approve-plan}. The answer says whether it looked at every unfinished run.
   */
  CompletionStage<PendingApprovals> approvals(ApprovalQuery query);

  /** A run's summary from the run index, or empty if there is no such run. */
  CompletionStage<Optional<RunSummary>> summary(RunId runId);

  /**
   * A run's audit trail: every decision its dispatchers made about its steps (enqueued, dispatched
   * to whom, denied and why, budget reserved and reconciled, done, failed, ...), in the order they
   * were recorded. Fails with {@code UnknownRunException} for no such run.
   */
  CompletionStage<RunAudit> audit(RunId runId);

  /**
   * A page of a run's own log, oldest first: what its agents wrote while they ran its attempts (a
   * command's output lines, a model's rejected answers), what its dispatchers decided about them,
   * and what the run itself did (retries, failures, interventions, its end), filtered by level,
   * source and step as {@code query} says. Fails with {@code UnknownRunException} for no such run.
   */
  CompletionStage<RunLogPage> runLog(RunLogQuery query);

  /** A page of one dispatcher's decisions (by bus key), in the order they were recorded. */
  CompletionStage<AuditPage> audit(AuditQuery query);

  /**
   * Verifies a run's audit trail: its own chain (its interventions) and its tenant's dispatchers'
   * chains from shortly before it was created, each row's hash and place and each head's signature.
   * Fails with {@code UnknownRunException} for no such run.
   */
  CompletionStage<AuditVerification> verifyAudit(RunId runId);

  /** Verifies the whole audit chain of one dispatcher. */
  CompletionStage<AuditVerification> verifyAudit(BusKey busKey);

  /** Verifies the whole policy chain. */
  CompletionStage<AuditVerification> verifyPolicyAudit();

  /** Records policy changes in the policy audit chain. */
  PolicyAudit policyAudit();

  /**
   * Pauses, resumes or cancels a run, recording who and why; answers with the run's state after it.
   * Repeating an intervention changes nothing. Fails with {@link InterventionRefusedException} when
   * the run's lifecycle does not allow it, {@code UnknownRunException} for no such run.
   */
  CompletionStage<RunView> intervene(RunId runId, InterventionType type, Intervention who);

  /**
   * Sends the signal {@code name} to the wait step of the run that waits for it (naming the step
   * when several wait for the same name); the signal's data becomes the step's output. Repeating it
   * changes nothing. Fails with {@link InterventionRefusedException} when no step waits for it now
   * (or the run has ended), {@code UnknownRunException} for no such run.
   */
  CompletionStage<RunView> signal(RunId runId, String name, SignalRequest request);

  /**
   * Completes a failed or waiting step of a running or paused run with a given output, as if it had
   * succeeded; the run carries on from there. Repeating it changes nothing. Fails like {@link
   * #signal}.
   */
  CompletionStage<RunView> override(RunId runId, String stepId, OverrideRequest request);

  /**
   * Sends again a step whose last attempt's outcome is unknown (a call of an unsafe tool that may
   * have happened when its node died): the person asking says it did not. To say it did, override
   * the step with its result instead. Repeating it changes nothing. Fails like {@link #signal}.
   */
  CompletionStage<RunView> retryStep(RunId runId, String stepId, Intervention who);

  /** A run's state once it has reached a terminal status. */
  CompletionStage<RunView> awaitTerminal(RunId runId);

  /**
   * A run's events from {@code fromSeq}, then live, gap-free and in order; completes after the
   * run's terminal event. Materialize it with {@link Lattice#system()} or any materializer.
   */
  Source<RunEvent, NotUsed> events(RunId runId, long fromSeq);

  /**
   * {@link #events(RunId, long)} of a run the caller has just looked up with {@link #summary}: the
   * run is not looked up again, and if the summary says it has ended, its events are read from the
   * journal alone, without waking it.
   */
  Source<RunEvent, NotUsed> events(RunSummary run, long fromSeq);

  /**
   * {@link #events(RunSummary, long)} with the streamed text of the run's running steps between its
   * events, live: {@link StepDelta}s, never persisted and never replayed. A stream that starts
   * while a step streams gets the text of its running attempt so far first (see {@link StepDelta}
   * for how a follower puts the text together).
   */
  Source<RunStreamElement, NotUsed> eventsAndDeltas(RunSummary run, long fromSeq);

  /** {@link #events} as a {@link Flow.Publisher}, for code that does not use Pekko Streams. */
  Flow.Publisher<RunEvent> eventPublisher(RunId runId, long fromSeq);

  /** This node's view of itself and the cluster. */
  CompletionStage<NodeState> state();

  /** This node's meters in the Prometheus text format (0.0.4), as {@code GET /metrics} serves. */
  CompletionStage<String> metrics();

  /**
   * Whether this node is ready to take work: an up member of its cluster, its shard regions
   * registered with their coordinators, its journal answering. Each check says what it found.
   */
  CompletionStage<Readiness> ready();

  /**
   * What {@code tenant} spent in its current budget period and what its running attempts hold;
   * empty for a tenant without a configured budget.
   */
  CompletionStage<Optional<TenantUsage>> tenantUsage(TenantId tenant);

  /**
   * Every tenant with a budget ({@code lattice.policy.tenants.NAME.budget}): what it spent in its
   * current period, what its running attempts hold, and its limit.
   */
  CompletionStage<TenantBudgets> budgets();

  /**
   * The session {@code name} of {@code tenant}: its messages in order, its summary, its counts and
   * policy. Fails with {@link UnknownSessionException} when the tenant has none of that name.
   */
  CompletionStage<SessionView> session(TenantId tenant, SessionName name);

  /**
   * Forgets the session {@code name} of {@code tenant}: a step naming it later begins it anew.
   * Fails with {@link UnknownSessionException} when the tenant has none of that name.
   */
  CompletionStage<Void> forgetSession(TenantId tenant, SessionName name);

  /** Every worker agent registered in the cluster. */
  CompletionStage<List<AgentView>> agents();

  /**
   * Runs one agent as a durable run of one {@code agent} step: {@code target} is an agent's id (the
   * step asks for its capability, the request's or its only one) or a capability some agent serves.
   * The run starts like any other ({@link #execute(ExecuteRequest, String)}, whose idempotency
   * {@code idempotencyKey} follows, null for none) and completes once it is durable. Fails with
   * {@link UnknownAgentException} when {@code target} is neither, {@link
   * InvalidInvocationException} for a request that cannot run, and as {@code execute} does.
   */
  CompletionStage<Invocation> invoke(String target, InvokeRequest request, String idempotencyKey);
}
