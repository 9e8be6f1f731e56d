package dev.lattice.orchestrator.http.auth;

import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.orchestrator.node.UnknownSessionException;
import dev.lattice.orchestrator.policy.PolicyAudit;
import dev.lattice.persistence.audit.ChainIds;
import dev.lattice.persistence.query.UnknownRunException;
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
import dev.lattice.protocol.session.SessionName;
import dev.lattice.protocol.session.SessionView;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.AsPublisher;
import org.apache.pekko.stream.javadsl.JavaFlowSupport;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A node's client held to one {@link Principal}: every call first checks that one of its roles
 * grants it (403, {@link ForbiddenException}), then that what it names belongs to a tenant the
 * principal sees. Anything of another tenant is answered exactly as something that does not exist
 * (a run, its events, audit and steps: {@link UnknownRunException}; a session: {@link
 * UnknownSessionException}; a page: empty), lists hold only its tenant's, and a request naming
 * another tenant is refused. The API and the MCP endpoint reach the node only through one, so no
 * route can forget a check; a call added to {@link LatticeClient} does not compile here until it
 * decides its own.
 *
 * <p>For a principal of one tenant, {@code default} (the tenant of requests that name none) stands
 * for its own tenant. Interventions record the principal as their actor, with the actor the request
 * named in parentheses.
 */
public final class ScopedClient implements LatticeClient {
  private final LatticeClient client;
  private final Principal principal;
  private final RunTenants tenants;
  private final ActorSystem<?> system;
  private final Executor executor;

  public ScopedClient(
      LatticeClient client, Principal principal, RunTenants tenants, ActorSystem<?> system) {
    this.client = client;
    this.principal = principal;
    this.tenants = tenants;
    this.system = system;
    this.executor = system.executionContext();
  }

  public Principal principal() {
    return principal;
  }

  @Override
  public CompletionStage<PlannedRun> plan(ExecuteRequest request) {
    require(Permission.SUBMIT, "plan runs");
    return client.plan(request.withTenant(ownTenant(request.tenant())));
  }

  @Override
  public CompletionStage<List<IntentView>> intents() {
    require(Permission.READ, "list intents");
    return client.intents();
  }

  @Override
  public CompletionStage<RunAccepted> execute(ExecuteRequest request) {
    return execute(request, null);
  }

  @Override
  public CompletionStage<RunAccepted> execute(ExecuteRequest request, String idempotencyKey) {
    require(Permission.SUBMIT, "start runs");
    TenantId tenant = ownTenant(request.tenant());
    if (principal.allTenants()) {
      return client.execute(request.withTenant(tenant), idempotencyKey);
    }
    // On the system's executor, not the thread that completed the ask: on a small machine that
    // thread is an actor's, and callbacks run there cost throughput (DESIGN.md §7).
    return client
        .execute(request.withTenant(tenant), idempotencyKey)
        .thenApplyAsync(
            accepted -> {
              tenants.remember(accepted.runId(), tenant);
              return accepted;
            },
            executor);
  }

  @Override
  public CompletionStage<RunView> run(RunId runId) {
    require(Permission.READ, "read runs");
    return visible(runId, () -> client.run(runId));
  }

  @Override
  public CompletionStage<RunPage> runs(RunQuery query) {
    require(Permission.READ, "list runs");
    if (principal.allTenants()) {
      return client.runs(query);
    }
    TenantId filter = query.tenant() == null ? principal.tenant() : ownedTenant(query.tenant());
    if (!principal.sees(filter)) {
      // A filter within what the principal sees: another tenant's runs are none.
      return CompletableFuture.completedFuture(new RunPage(List.of(), null));
    }
    return client.runs(new RunQuery(query.status(), filter, query.after(), query.limit()));
  }

  @Override
  public CompletionStage<PendingApprovals> approvals(ApprovalQuery query) {
    require(Permission.READ, "list waiting steps");
    if (principal.allTenants()) {
      return client.approvals(query);
    }
    TenantId filter = query.tenant() == null ? principal.tenant() : ownedTenant(query.tenant());
    if (!principal.sees(filter)) {
      // A filter within what the principal sees: another tenant's runs wait for nothing here.
      return CompletableFuture.completedFuture(new PendingApprovals(List.of(), 0, true));
    }
    return client.approvals(new ApprovalQuery(filter, query.maxRuns()));
  }

  @Override
  public CompletionStage<Optional<RunSummary>> summary(RunId runId) {
    require(Permission.READ, "read runs");
    if (principal.allTenants()) {
      return client.summary(runId);
    }
    return client
        .summary(runId)
        .thenApplyAsync(
            found -> found.filter(run -> principal.sees(TenantId.of(run.tenant()))), executor);
  }

  @Override
  public CompletionStage<RunAudit> audit(RunId runId) {
    require(Permission.READ, "read audit trails");
    return visible(runId, () -> client.audit(runId));
  }

  @Override
  public CompletionStage<RunLogPage> runLog(RunLogQuery query) {
    require(Permission.READ, "read runs' logs");
    return visible(query.runId(), () -> client.runLog(query));
  }

  @Override
  public CompletionStage<AuditPage> audit(AuditQuery query) {
    require(Permission.READ, "read audit trails");
    if (!principal.sees(query.busKey().tenant())) {
      // What an own queue that never decided anything answers.
      return CompletableFuture.completedFuture(new AuditPage(List.of(), null));
    }
    return client.audit(query);
  }

  @Override
  public CompletionStage<AuditVerification> verifyAudit(RunId runId) {
    require(Permission.READ, "verify audit trails");
    return visible(runId, () -> client.verifyAudit(runId));
  }

  @Override
  public CompletionStage<AuditVerification> verifyAudit(BusKey busKey) {
    require(Permission.READ, "verify audit trails");
    if (!principal.sees(busKey.tenant())) {
      // What an own queue that never decided anything answers.
      return CompletableFuture.completedFuture(
          AuditVerification.ofEmptyChain(ChainIds.bus(busKey.value())));
    }
    return client.verifyAudit(busKey);
  }

  @Override
  public CompletionStage<AuditVerification> verifyPolicyAudit() {
    // The policy chain names every tenant's keys.
    requireEveryTenant("verify the policy's audit trail", "the policy's audit trail");
    return client.verifyPolicyAudit();
  }

  @Override
  public PolicyAudit policyAudit() {
    // Recording is the node's own doing (on behalf of a principal that was checked), not a call
    // a request makes: nothing to decide here.
    return client.policyAudit();
  }

  @Override
  public CompletionStage<RunView> intervene(RunId runId, InterventionType type, Intervention who) {
    require(Permission.INTERVENE, type.name().toLowerCase(Locale.ROOT) + " runs");
    Intervention by = new Intervention(actor(who.actor()), who.reason());
    return visible(runId, () -> client.intervene(runId, type, by));
  }

  @Override
  public CompletionStage<RunView> signal(RunId runId, String name, SignalRequest request) {
    require(Permission.INTERVENE, "signal runs");
    SignalRequest by =
        new SignalRequest(
            request.stepId(), request.data(), actor(request.actor()), request.reason());
    return visible(runId, () -> client.signal(runId, name, by));
  }

  @Override
  public CompletionStage<RunView> override(RunId runId, String stepId, OverrideRequest request) {
    require(Permission.INTERVENE, "override steps");
    OverrideRequest by =
        new OverrideRequest(request.output(), actor(request.actor()), request.reason());
    return visible(runId, () -> client.override(runId, stepId, by));
  }

  @Override
  public CompletionStage<RunView> retryStep(RunId runId, String stepId, Intervention who) {
    require(Permission.INTERVENE, "retry steps");
    Intervention by = new Intervention(actor(who.actor()), who.reason());
    return visible(runId, () -> client.retryStep(runId, stepId, by));
  }

  @Override
  public CompletionStage<RunView> awaitTerminal(RunId runId) {
    require(Permission.READ, "read runs");
    return visible(runId, () -> client.awaitTerminal(runId));
  }

  @Override
  public Source<RunEvent, NotUsed> events(RunId runId, long fromSeq) {
    require(Permission.READ, "read events");
    if (principal.allTenants()) {
      return client.events(runId, fromSeq);
    }
    return Source.completionStageSource(
            visible(runId, () -> CompletableFuture.completedFuture(client.events(runId, fromSeq))))
        .mapMaterializedValue(ignored -> NotUsed.notUsed());
  }

  @Override
  public Source<RunEvent, NotUsed> events(RunSummary run, long fromSeq) {
    require(Permission.READ, "read events");
    return client.events(seen(run), fromSeq);
  }

  @Override
  public Source<RunStreamElement, NotUsed> eventsAndDeltas(RunSummary run, long fromSeq) {
    require(Permission.READ, "read events");
    return client.eventsAndDeltas(seen(run), fromSeq);
  }

  @Override
  public Flow.Publisher<RunEvent> eventPublisher(RunId runId, long fromSeq) {
    require(Permission.READ, "read events");
    return principal.allTenants()
        ? client.eventPublisher(runId, fromSeq)
        : events(runId, fromSeq)
            .runWith(JavaFlowSupport.Sink.asPublisher(AsPublisher.WITHOUT_FANOUT), system);
  }

  @Override
  public CompletionStage<NodeState> state() {
    // The state lists every tenant's queues and counts every tenant's runs.
    requireEveryTenant("see the cluster's state", "the cluster's state");
    return client.state();
  }

  @Override
  public CompletionStage<String> metrics() {
    // Its labels name every tenant.
    requireEveryTenant("scrape the node's metrics", "the node's metrics");
    return client.metrics();
  }

  @Override
  public CompletionStage<Readiness> ready() {
    return client.ready();
  }

  @Override
  public CompletionStage<Optional<TenantUsage>> tenantUsage(TenantId tenant) {
    require(Permission.READ, "read usage");
    if (!principal.sees(ownedTenant(tenant))) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return client.tenantUsage(ownedTenant(tenant));
  }

  @Override
  public CompletionStage<TenantBudgets> budgets() {
    require(Permission.READ, "read budgets");
    if (principal.allTenants()) {
      return client.budgets();
    }
    return client
        .budgets()
        .thenApplyAsync(
            all ->
                new TenantBudgets(
                    all.budgets().stream()
                        .filter(b -> principal.sees(TenantId.of(b.tenant())))
                        .toList()),
            executor);
  }

  @Override
  public CompletionStage<SessionView> session(TenantId tenant, SessionName name) {
    require(Permission.READ, "read sessions");
    TenantId owner = ownedTenant(tenant);
    if (!principal.sees(owner)) {
      return CompletableFuture.failedFuture(new UnknownSessionException(owner, name));
    }
    return client.session(owner, name);
  }

  @Override
  public CompletionStage<Void> forgetSession(TenantId tenant, SessionName name) {
    require(Permission.INTERVENE, "forget sessions");
    TenantId owner = ownedTenant(tenant);
    if (!principal.sees(owner)) {
      return CompletableFuture.failedFuture(new UnknownSessionException(owner, name));
    }
    return client.forgetSession(owner, name);
  }

  @Override
  public CompletionStage<List<AgentView>> agents() {
    require(Permission.READ, "list agents");
    return client.agents();
  }

  @Override
  public CompletionStage<Invocation> invoke(
      String target, InvokeRequest request, String idempotencyKey) {
    require(Permission.SUBMIT, "invoke agents");
    TenantId tenant = ownTenant(request.tenant());
    if (principal.allTenants()) {
      return client.invoke(target, request.withTenant(tenant), idempotencyKey);
    }
    return client
        .invoke(target, request.withTenant(tenant), idempotencyKey)
        .thenApplyAsync(
            invocation -> {
              tenants.remember(invocation.runId(), tenant);
              return invocation;
            },
            executor);
  }

  /** Fails with 403 unless a role of the principal grants {@code permission}. */
  private void require(Permission permission, String what) {
    if (!principal.may(permission)) {
      throw new ForbiddenException(
          principal.name() + " may not " + what + " (roles " + roleNames() + ")");
    }
  }

  private String roleNames() {
    return principal.roles().stream().map(Role::wire).sorted().toList().toString();
  }

  /**
   * The tenant a request that starts something runs in: {@code requested} if the principal sees it,
   * its own for {@code default}; naming another is refused, since the request is the naming.
   */
  private TenantId ownTenant(TenantId requested) {
    TenantId owner = ownedTenant(requested);
    if (!principal.sees(owner)) {
      throw new ForbiddenException(
          principal.name() + " acts for tenant '" + principal.tenant() + "' only");
    }
    return owner;
  }

  /** {@code requested}, or the principal's own tenant where {@code default} stands for it. */
  private TenantId ownedTenant(TenantId requested) {
    if (principal.allTenants() || !TenantId.DEFAULT.equals(requested)) {
      return requested;
    }
    return principal.tenant();
  }

  /**
   * {@code call} if the run belongs to a tenant the principal sees; else, as when there is no such
   * run, a failure with {@link UnknownRunException}, without calling it.
   */
  private <T> CompletionStage<T> visible(RunId runId, Call<T> call) {
    if (principal.allTenants()) {
      return call.run();
    }
    return tenants
        .of(runId)
        .thenComposeAsync(
            owner ->
                owner.filter(principal::sees).isPresent()
                    ? call.run()
                    : CompletableFuture.<T>failedFuture(new UnknownRunException(runId)),
            executor);
  }

  /** {@code run}, looked up by the caller, if the principal sees it; else not found. */
  private RunSummary seen(RunSummary run) {
    if (!principal.sees(TenantId.of(run.tenant()))) {
      throw new UnknownRunException(RunId.of(run.runId()));
    }
    return run;
  }

  /**
   * Refuses (403) to {@code act} unless the principal is an admin of every tenant: {@code what}
   * shows every tenant's things.
   */
  private void requireEveryTenant(String act, String what) {
    require(Permission.VIEW_CLUSTER, act);
    if (!principal.allTenants()) {
      throw new ForbiddenException(
          what + " covers every tenant: only an admin of every tenant may " + act);
    }
  }

  /** Who an intervention records: the principal, then whom the request named. */
  private String actor(String named) {
    if (principal.source() == Principal.Source.NONE) {
      return named;
    }
    return named == null || named.isBlank()
        ? principal.name()
        : principal.name() + " (" + named + ")";
  }

  private interface Call<T> {
    CompletionStage<T> run();
  }
}
