package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.cluster.NodeReadiness;
import dev.lattice.orchestrator.cluster.ShardDistributions;
import dev.lattice.orchestrator.directory.AgentDirectory;
import dev.lattice.orchestrator.directory.CapabilityCategories;
import dev.lattice.orchestrator.plan.Planner;
import dev.lattice.orchestrator.policy.PolicyAudit;
import dev.lattice.orchestrator.policy.PolicySettings;
import dev.lattice.orchestrator.run.core.RunRedaction;
import dev.lattice.orchestrator.session.SessionKey;
import dev.lattice.orchestrator.session.SessionStore;
import dev.lattice.orchestrator.tenant.TenantLedger;
import dev.lattice.persistence.journal.PersistenceSettings;
import dev.lattice.persistence.payload.StoredTexts;
import dev.lattice.persistence.query.JournalReader;
import dev.lattice.persistence.query.RunEventStreams;
import dev.lattice.persistence.query.SnapshotReader;
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
import dev.lattice.protocol.json.PayloadLimits;
import dev.lattice.protocol.log.RunLogPage;
import dev.lattice.protocol.log.RunLogQuery;
import dev.lattice.protocol.redact.Redactor;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunStreamElement;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.session.SessionName;
import dev.lattice.protocol.session.SessionView;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import javax.sql.DataSource;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The client of a node in this JVM: talks to entities through sharding, never over HTTP. A facade
 * over the parts that do the work: {@link RunCommands} (plan, start, intervene, wait), {@link
 * RunViews} (a run's state from the journal), {@link EventStreams}, {@link ReadModels} (run index
 * and audit trail) and {@link NodeStateQuery}.
 */
final class LocalLatticeClient implements LatticeClient {
  private final RunCommands commands;
  private final RunViews views;
  private final EventStreams streams;
  private final ReadModels readModels;
  private final NodeStateQuery nodeState;
  private final NodeReadiness readiness;
  private final AgentInvocations invocations;
  private final SessionStore sessions;
  private final PolicyAudit policyAudit;
  private final PendingApprovalScan approvals;

  /** The tenants with a budget, in order. */
  private final List<String> budgeted;

  private final Executor executor;
  private final NodeMetrics metrics;

  private LocalLatticeClient(
      RunCommands commands,
      RunViews views,
      EventStreams streams,
      ReadModels readModels,
      NodeStateQuery nodeState,
      NodeReadiness readiness,
      AgentInvocations invocations,
      SessionStore sessions,
      PolicyAudit policyAudit,
      NodeMetrics metrics,
      Executor executor,
      Duration approvalsReuse,
      List<String> budgeted) {
    this.commands = commands;
    this.views = views;
    this.streams = streams;
    this.readModels = readModels;
    this.nodeState = nodeState;
    this.readiness = readiness;
    this.invocations = invocations;
    this.sessions = sessions;
    this.policyAudit = policyAudit;
    this.metrics = metrics;
    this.approvals = new PendingApprovalScan(this, executor, approvalsReuse, Clock.systemUTC());
    this.budgeted = budgeted;
    this.executor = executor;
  }

  /** The client of the node {@code system}, whose guardian started {@code directory}. */
  static LocalLatticeClient create(
      ActorSystem<?> system,
      ActorRef<AgentDirectory.Command> directory,
      AgentCapabilities capabilities,
      Planner planner,
      PersistenceSettings persistence,
      ReadModels readModels,
      PolicySettings policy,
      LatticeSettings settings,
      NodeReadiness readiness,
      ShardDistributions shards,
      StoredTexts sessionTexts,
      PolicyAudit policyAudit,
      DataSource readModelPool) {
    ClusterSharding sharding = ClusterSharding.get(system);
    // Callbacks run on the system's executor: on a small machine, completing them on whatever
    // thread finished the future costs several times the throughput.
    Executor executor = system.executionContext();
    JournalReader reader = JournalReader.create(system);
    TenantAdmission admission =
        new TenantAdmission(
            policy,
            tenant ->
                sharding
                    .entityRefFor(TenantLedger.ENTITY_TYPE_KEY, tenant.value())
                    .ask(TenantLedger.GetUsage::new, settings.askTimeout()),
            executor,
            Clock.systemUTC());
    RunCommands commands =
        new RunCommands(
            sharding,
            capabilities,
            planner,
            admission,
            PayloadLimits.fromConfig(system.settings().config()),
            new AskAgain(settings.askTimeout(), settings.resendInterval(), executor),
            settings.awaitTimeout(),
            executor,
            new RunRedaction(Redactor.fromConfig(system.settings().config())));
    EventStreams streams =
        new EventStreams(
            system,
            sharding,
            new RunEventStreams(system, reader, persistence),
            readModels,
            persistence.followerDeltas(),
            executor);
    CapabilityCategories categories = CapabilityCategories.create(system.settings().config());
    NodeStateQuery nodeState =
        new NodeStateQuery(
            system,
            directory,
            readModels,
            shards,
            streams::open,
            categories,
            settings.askTimeout(),
            executor);
    return new LocalLatticeClient(
        commands,
        new RunViews(SnapshotReader.create(system), reader, executor),
        streams,
        readModels,
        nodeState,
        readiness,
        new AgentInvocations(nodeState::listed, commands, categories, executor),
        new SessionStore(system, sessionTexts, settings.askTimeout()),
        policyAudit,
        NodeMetrics.start(
            system, readModels, nodeState::listed, streams::open, readModelPool, executor),
        executor,
        system.settings().config().getDuration("lattice.http.approvals.cache-for"),
        policy.tenantBudgets().keySet().stream().sorted().toList());
  }

  @Override
  public CompletionStage<PlannedRun> plan(ExecuteRequest request) {
    return commands.plan(request);
  }

  @Override
  public CompletionStage<List<IntentView>> intents() {
    return commands.intents();
  }

  @Override
  public CompletionStage<RunAccepted> execute(ExecuteRequest request) {
    return commands.execute(request, null);
  }

  @Override
  public CompletionStage<RunAccepted> execute(ExecuteRequest request, String idempotencyKey) {
    return commands.execute(request, idempotencyKey);
  }

  @Override
  public CompletionStage<Optional<TenantUsage>> tenantUsage(TenantId tenant) {
    return commands.tenantUsage(tenant);
  }

  @Override
  public CompletionStage<TenantBudgets> budgets() {
    List<CompletableFuture<Optional<TenantUsage>>> each =
        budgeted.stream()
            .map(tenant -> commands.tenantUsage(TenantId.of(tenant)).toCompletableFuture())
            .toList();
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApplyAsync(
            done ->
                new TenantBudgets(
                    each.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList()),
            executor);
  }

  @Override
  public CompletionStage<RunView> run(RunId runId) {
    return views.run(runId);
  }

  @Override
  public CompletionStage<RunPage> runs(RunQuery query) {
    return readModels.runs(query);
  }

  @Override
  public CompletionStage<PendingApprovals> approvals(ApprovalQuery query) {
    return approvals.find(query);
  }

  @Override
  public CompletionStage<Optional<RunSummary>> summary(RunId runId) {
    return readModels.summary(runId);
  }

  @Override
  public CompletionStage<RunAudit> audit(RunId runId) {
    return readModels.audit(runId);
  }

  @Override
  public CompletionStage<RunLogPage> runLog(RunLogQuery query) {
    return readModels.runLog(query);
  }

  @Override
  public CompletionStage<AuditPage> audit(AuditQuery query) {
    return readModels.audit(query);
  }

  @Override
  public CompletionStage<AuditVerification> verifyAudit(RunId runId) {
    return readModels.verifyAudit(runId);
  }

  @Override
  public CompletionStage<AuditVerification> verifyAudit(BusKey busKey) {
    return readModels.verifyAudit(busKey);
  }

  @Override
  public CompletionStage<AuditVerification> verifyPolicyAudit() {
    return readModels.verifyPolicyAudit();
  }

  @Override
  public PolicyAudit policyAudit() {
    return policyAudit;
  }

  @Override
  public CompletionStage<RunView> intervene(RunId runId, InterventionType type, Intervention who) {
    return commands.intervene(runId, type, who);
  }

  @Override
  public CompletionStage<RunView> signal(RunId runId, String name, SignalRequest request) {
    return commands.signal(runId, name, request);
  }

  @Override
  public CompletionStage<RunView> override(RunId runId, String stepId, OverrideRequest request) {
    return commands.override(runId, stepId, request);
  }

  @Override
  public CompletionStage<RunView> retryStep(RunId runId, String stepId, Intervention who) {
    return commands.retry(runId, stepId, who);
  }

  @Override
  public CompletionStage<RunView> awaitTerminal(RunId runId) {
    return commands.awaitTerminal(runId);
  }

  @Override
  public Source<RunEvent, NotUsed> events(RunId runId, long fromSeq) {
    return streams.events(runId, fromSeq);
  }

  @Override
  public Source<RunEvent, NotUsed> events(RunSummary run, long fromSeq) {
    return streams.events(run, fromSeq);
  }

  @Override
  public Source<RunStreamElement, NotUsed> eventsAndDeltas(RunSummary run, long fromSeq) {
    return streams.eventsAndDeltas(run, fromSeq);
  }

  @Override
  public Flow.Publisher<RunEvent> eventPublisher(RunId runId, long fromSeq) {
    return streams.publisher(runId, fromSeq);
  }

  @Override
  public CompletionStage<NodeState> state() {
    return nodeState.state();
  }

  @Override
  public CompletionStage<String> metrics() {
    return metrics.scrape();
  }

  @Override
  public CompletionStage<Readiness> ready() {
    return readiness.check();
  }

  @Override
  public CompletionStage<SessionView> session(TenantId tenant, SessionName name) {
    return sessions
        .view(new SessionKey(tenant, name))
        .thenApply(view -> view.orElseThrow(() -> new UnknownSessionException(tenant, name)));
  }

  @Override
  public CompletionStage<Void> forgetSession(TenantId tenant, SessionName name) {
    return sessions
        .forget(new SessionKey(tenant, name))
        .thenApply(
            existed -> {
              if (!existed) {
                throw new UnknownSessionException(tenant, name);
              }
              return null;
            });
  }

  @Override
  public CompletionStage<List<AgentView>> agents() {
    return nodeState.agents();
  }

  @Override
  public CompletionStage<Invocation> invoke(
      String target, InvokeRequest request, String idempotencyKey) {
    return invocations.invoke(target, request, idempotencyKey);
  }
}
