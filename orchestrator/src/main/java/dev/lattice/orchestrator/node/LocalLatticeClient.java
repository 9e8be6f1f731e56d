package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.cluster.ClusterMembers;
import dev.lattice.orchestrator.cluster.MemberRoles;
import dev.lattice.orchestrator.cluster.NodeReadiness;
import dev.lattice.orchestrator.cluster.ShardDistributions;
import dev.lattice.orchestrator.directory.AgentDirectory;
import dev.lattice.orchestrator.directory.AgentEntry;
import dev.lattice.orchestrator.dispatch.Dispatcher;
import dev.lattice.orchestrator.plan.Planner;
import dev.lattice.orchestrator.policy.PolicySettings;
import dev.lattice.orchestrator.policy.TenantLedger;
import dev.lattice.orchestrator.policy.TenantUsage;
import dev.lattice.orchestrator.run.RunEntity;
import dev.lattice.orchestrator.run.RunState;
import dev.lattice.persistence.journal.PersistenceSettings;
import dev.lattice.persistence.query.JournalReader;
import dev.lattice.persistence.query.RunEventFollower;
import dev.lattice.persistence.query.RunEventStreams;
import dev.lattice.persistence.query.SequencedChange;
import dev.lattice.persistence.query.SnapshotReader;
import dev.lattice.persistence.query.UnknownRunException;
import dev.lattice.protocol.agent.AgentBreakers;
import dev.lattice.protocol.api.AgentView;
import dev.lattice.protocol.api.AuditPage;
import dev.lattice.protocol.api.AuditQuery;
import dev.lattice.protocol.api.ClusterMember;
import dev.lattice.protocol.api.ClusterView;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.api.NodeState;
import dev.lattice.protocol.api.OverrideRequest;
import dev.lattice.protocol.api.PlannedRun;
import dev.lattice.protocol.api.QueueView;
import dev.lattice.protocol.api.Readiness;
import dev.lattice.protocol.api.RunAccepted;
import dev.lattice.protocol.api.RunAudit;
import dev.lattice.protocol.api.RunPage;
import dev.lattice.protocol.api.RunQuery;
import dev.lattice.protocol.api.RunSummary;
import dev.lattice.protocol.api.ShardDistribution;
import dev.lattice.protocol.api.SignalRequest;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.json.PayloadLimits;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunFeed;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.javadsl.AsPublisher;
import org.apache.pekko.stream.javadsl.JavaFlowSupport;
import org.apache.pekko.stream.javadsl.Source;

/** The client of a node in this JVM: talks to entities through sharding, never over HTTP. */
final class LocalLatticeClient implements LatticeClient {
  private final ActorSystem<?> system;
  private final PolicySettings policy;
  private final ClusterSharding sharding;
  private final ActorRef<AgentDirectory.Command> directory;
  private final Planner planner;
  private final JournalReader reader;
  private final SnapshotReader snapshots;
  private final RunEventStreams streams;
  private final PayloadLimits payloadLimits;
  private final Duration askTimeout;
  private final Duration resendInterval;
  private final Duration awaitTimeout;
  private final Executor executor;
  private final ReadModels readModels;
  private final NodeReadiness readiness;
  private final ShardDistributions shards;
  private final TenantAdmission admission;

  LocalLatticeClient(
      ActorSystem<?> system,
      ActorRef<AgentDirectory.Command> directory,
      Planner planner,
      PersistenceSettings persistence,
      ReadModels readModels,
      PolicySettings policy,
      LatticeSettings settings,
      NodeReadiness readiness,
      ShardDistributions shards) {
    this.system = system;
    this.policy = policy;
    this.sharding = ClusterSharding.get(system);
    this.directory = directory;
    this.planner = planner;
    this.reader = JournalReader.create(system);
    this.snapshots = SnapshotReader.create(system);
    this.streams = new RunEventStreams(system, reader, persistence);
    this.payloadLimits = PayloadLimits.fromConfig(system.settings().config());
    this.askTimeout = settings.askTimeout();
    this.resendInterval = settings.resendInterval();
    this.awaitTimeout = settings.awaitTimeout();
    // Callbacks run on the system's executor: on a small machine, completing them on whatever
    // thread finished the future costs several times the throughput.
    this.executor = system.executionContext();
    this.readModels = readModels;
    this.readiness = readiness;
    this.shards = shards;
    this.admission =
        new TenantAdmission(
            policy,
            tenant ->
                sharding
                    .entityRefFor(TenantLedger.ENTITY_TYPE_KEY, tenant.value())
                    .ask(TenantLedger.GetUsage::new, askTimeout),
            executor,
            Clock.systemUTC());
  }

  @Override
  public CompletionStage<PlannedRun> plan(ExecuteRequest request) {
    return agentsNow()
        .thenApplyAsync(agents -> planner.plan(request, agents.capabilities()), executor);
  }

  @Override
  public CompletionStage<RunAccepted> execute(ExecuteRequest request) {
    return execute(request, null);
  }

  @Override
  public CompletionStage<RunAccepted> execute(ExecuteRequest request, String idempotencyKey) {
    return plan(request)
        .thenCompose(admission::admit)
        .thenComposeAsync(
            planned -> {
              RunId runId = runIdFor(planned, idempotencyKey);
              EntityRef<RunEntity.Command> run =
                  sharding.entityRefFor(RunEntity.ENTITY_TYPE_KEY, runId.value());
              return resending(
                  (attempt, timeout) ->
                      run.<RunAccepted>askWithStatus(
                          replyTo ->
                              new RunEntity.StartRun(
                                  planned,
                                  request.payload(),
                                  idempotencyKey,
                                  request.priority(),
                                  // A random id is new: its entity need not replay an (empty)
                                  // journal. Sent again, it may have been written meanwhile.
                                  idempotencyKey == null && attempt == 0,
                                  replyTo),
                          timeout));
            },
            executor);
  }

  /** The usage of {@code tenant} in its current budget period, if it has a budget. */
  @Override
  public CompletionStage<Optional<TenantUsage>> tenantUsage(TenantId tenant) {
    return admission.usage(tenant);
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

  @Override
  public CompletionStage<RunView> run(RunId runId) {
    // Rebuilt from the latest snapshot and the events after it, as the run's own recovery does:
    // reading every event would cost time in proportion to the run's history (measured: ~2.6 s
    // for a run of 50,000 events).
    String persistenceId = RunEntity.persistenceId(runId).id();
    return snapshots
        .latest(persistenceId)
        .thenComposeAsync(
            snapshot -> {
              RunState base =
                  snapshot.map(s -> (RunState) s.state()).orElseGet(() -> RunState.empty(runId));
              long baseSeq = snapshot.map(SnapshotReader.Latest::seq).orElse(0L);
              return reader
                  .changes(persistenceId, baseSeq + 1)
                  .thenApplyAsync(changes -> view(runId, base, baseSeq, changes), executor);
            },
            executor);
  }

  private static RunView view(
      RunId runId, RunState base, long baseSeq, List<SequencedChange> changes) {
    RunState state = base;
    long lastSeq = baseSeq;
    for (SequencedChange change : changes) {
      state = state.apply(change.change());
      lastSeq = change.seq();
    }
    if (!state.exists()) {
      throw new UnknownRunException(runId);
    }
    return state.view(lastSeq);
  }

  @Override
  public CompletionStage<RunPage> runs(RunQuery query) {
    return readModels.runs(query);
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
  public CompletionStage<AuditPage> audit(AuditQuery query) {
    return readModels.audit(query);
  }

  @Override
  public CompletionStage<RunView> intervene(RunId runId, InterventionType type, Intervention who) {
    return intervention(runId, type, replyTo -> new RunEntity.Intervene(type, who, replyTo));
  }

  @Override
  public CompletionStage<RunView> signal(RunId runId, String name, SignalRequest request) {
    Optional<String> unfit = payloadLimits.violation(request.data());
    if (unfit.isPresent()) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("the signal's data " + unfit.get()));
    }
    return intervention(
        runId, InterventionType.SIGNAL, replyTo -> new RunEntity.Signal(name, request, replyTo));
  }

  @Override
  public CompletionStage<RunView> override(RunId runId, String stepId, OverrideRequest request) {
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

  private CompletionStage<RunView> intervention(
      RunId runId,
      InterventionType type,
      Function<ActorRef<RunEntity.InterventionOutcome>, RunEntity.Command> command) {
    EntityRef<RunEntity.Command> run =
        sharding.entityRefFor(RunEntity.ENTITY_TYPE_KEY, runId.value());
    return resending(
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

  /** One ask, the {@code attempt}-th (from 0), that may wait for {@code timeout}. */
  @FunctionalInterface
  private interface Ask<T> {
    CompletionStage<T> send(int attempt, Duration timeout);
  }

  /**
   * Asks, and asks again every {@code resendInterval} while no answer comes, until {@code
   * askTimeout}: while a node leaves, Pekko drops the messages it holds for the shards it hands
   * over, and the entity answers the next one from its new node. Only for messages their entity
   * handles idempotently. Fails with the last ask's timeout.
   */
  private <T> CompletionStage<T> resending(Ask<T> ask) {
    return resending(ask, 0, Instant.now().plus(askTimeout));
  }

  private <T> CompletionStage<T> resending(Ask<T> ask, int attempt, Instant deadline) {
    Duration left = Duration.between(Instant.now(), deadline);
    Duration timeout = left.compareTo(resendInterval) < 0 ? left : resendInterval;
    return ask.send(
            attempt, timeout.isNegative() || timeout.isZero() ? Duration.ofMillis(1) : timeout)
        .handleAsync(
            (answer, failure) -> {
              if (failure == null) {
                return CompletableFuture.completedFuture(answer);
              }
              if (Failures.cause(failure) instanceof TimeoutException
                  && Instant.now().isBefore(deadline)) {
                return resending(ask, attempt + 1, deadline).toCompletableFuture();
              }
              return CompletableFuture.<T>failedFuture(failure);
            },
            executor)
        .thenComposeAsync(stage -> stage, executor);
  }

  @Override
  public CompletionStage<RunView> awaitTerminal(RunId runId) {
    // The run answers when it ends. An ask that times out (a very long run, or the run moved to
    // another node and forgot its waiters) is simply asked again.
    return sharding
        .entityRefFor(RunEntity.ENTITY_TYPE_KEY, runId.value())
        .<RunView>askWithStatus(RunEntity.AwaitTerminal::new, awaitTimeout)
        .handleAsync(
            (view, failure) -> {
              if (failure == null) {
                return CompletableFuture.completedFuture(view);
              }
              if (Failures.cause(failure) instanceof TimeoutException) {
                return awaitTerminal(runId).toCompletableFuture();
              }
              if (Failures.cause(failure) instanceof StatusReply.ErrorMessage) {
                return CompletableFuture.<RunView>failedFuture(new UnknownRunException(runId));
              }
              return CompletableFuture.<RunView>failedFuture(failure);
            },
            executor)
        .thenComposeAsync(stage -> stage, executor);
  }

  @Override
  public Source<RunEvent, NotUsed> events(RunId runId, long fromSeq) {
    // The run index, written in the journal's own transactions, says whether the run exists and
    // has ended; the stream asks nothing else that (see events(RunSummary, long)).
    return Source.lazyCompletionStageSource(
            () ->
                summary(runId)
                    .thenApplyAsync(
                        found ->
                            found
                                .map(run -> events(run, fromSeq))
                                .orElseGet(() -> Source.failed(new UnknownRunException(runId))),
                        executor))
        .mapMaterializedValue(ignored -> NotUsed.notUsed());
  }

  @Override
  public Source<RunEvent, NotUsed> events(RunSummary run, long fromSeq) {
    RunId runId = RunId.of(run.runId());
    return streams.follow(
        new RunEventFollower.Start(
            runId, RunEntity.persistenceId(runId).id(), fromSeq, run.status().terminal()),
        subscriber(runId)::accept);
  }

  @Override
  public Flow.Publisher<RunEvent> eventPublisher(RunId runId, long fromSeq) {
    return events(runId, fromSeq)
        .runWith(JavaFlowSupport.Sink.asPublisher(AsPublisher.WITHOUT_FANOUT), system);
  }

  private java.util.function.Consumer<ActorRef<RunFeed>> subscriber(RunId runId) {
    return ref ->
        sharding
            .entityRefFor(RunEntity.ENTITY_TYPE_KEY, runId.value())
            .tell(new RunEntity.Subscribe(ref));
  }

  @Override
  public CompletionStage<NodeState> state() {
    Cluster cluster = Cluster.get(system);
    List<String> members = new ArrayList<>();
    cluster
        .state()
        .getMembers()
        .forEach(
            m -> members.add(m.address() + " " + MemberRoles.roles(m) + " " + status(m.status())));
    List<ClusterMember> clusterMembers = ClusterMembers.of(cluster);
    CompletionStage<List<AgentView>> agents = agents();
    CompletionStage<List<QueueView>> queues = queues();
    CompletionStage<RunsAndShards> counts =
        readModels.countByStatus().thenCombineAsync(shards.current(), RunsAndShards::new, executor);
    return agents
        .thenCombineAsync(queues, LocalLatticeClient::withLoad, executor)
        .thenCombineAsync(
            counts,
            (views, counted) ->
                new NodeState(
                    cluster.selfMember().address().toString(),
                    MemberRoles.roles(cluster.selfMember()),
                    members,
                    views.agents(),
                    views.queues(),
                    counted.runs(),
                    streams.open(),
                    new ClusterView(clusterMembers, counted.shards())),
            executor);
  }

  @Override
  public CompletionStage<Readiness> ready() {
    return readiness.check();
  }

  private record AgentsAndQueues(List<AgentView> agents, List<QueueView> queues) {}

  private record RunsAndShards(Map<RunStatus, Long> runs, List<ShardDistribution> shards) {}

  /** The agents, each with the load this node's dispatchers have in flight on it. */
  private static AgentsAndQueues withLoad(List<AgentView> agents, List<QueueView> queues) {
    Map<String, Integer> load = new HashMap<>();
    queues.forEach(
        q -> q.inFlightByAgent().forEach((agent, n) -> load.merge(agent, n, Integer::sum)));
    List<AgentView> loaded =
        agents.stream().map(a -> a.withLoad(load.getOrDefault(a.agentId(), 0))).toList();
    return new AgentsAndQueues(loaded, queues);
  }

  private static String status(MemberStatus status) {
    return status.toString().toLowerCase(java.util.Locale.ROOT);
  }

  private CompletionStage<List<QueueView>> queues() {
    CompletionStage<org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState> regions =
        AskPattern.ask(
            sharding.shardState(),
            replyTo -> new GetShardRegionState(Dispatcher.ENTITY_TYPE_KEY, replyTo),
            askTimeout,
            system.scheduler());
    return regions.thenComposeAsync(
        region -> {
          List<CompletableFuture<QueueView>> views = new ArrayList<>();
          region
              .getShards()
              .forEach(
                  shard ->
                      shard
                          .getEntityIds()
                          .forEach(
                              id ->
                                  views.add(
                                      sharding
                                          .entityRefFor(Dispatcher.ENTITY_TYPE_KEY, id)
                                          .<QueueView>ask(Dispatcher.GetQueue::new, askTimeout)
                                          .toCompletableFuture())));
          return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new))
              .thenApplyAsync(
                  done ->
                      views.stream()
                          .map(CompletableFuture::join)
                          .sorted(java.util.Comparator.comparing(QueueView::busKey))
                          .toList(),
                  executor);
        },
        executor);
  }

  @Override
  public CompletionStage<List<AgentView>> agents() {
    CompletionStage<AgentDirectory.Breakers> breakers =
        AskPattern.ask(directory, AgentDirectory.GetBreakers::new, askTimeout, system.scheduler());
    return agentsNow()
        .thenCombineAsync(
            breakers,
            (agents, reported) -> {
              Map<AgentId, AgentBreakers> byAgent = new HashMap<>();
              reported.agents().forEach(b -> byAgent.put(b.agentId(), b));
              return agents.agents().stream()
                  .map(entry -> view(entry, byAgent.get(entry.manifest().agentId())))
                  .toList();
            },
            executor);
  }

  private static AgentView view(AgentEntry entry, AgentBreakers breakers) {
    var m = entry.manifest();
    return new AgentView(
        m.agentId().value(),
        m.node(),
        m.capabilities().stream().sorted().toList(),
        m.models().stream().sorted().toList(),
        m.maxConcurrent(),
        m.priority(),
        0,
        breakers == null ? null : breakers.agent(),
        breakers == null ? Map.of() : breakers.models());
  }

  private CompletionStage<AgentDirectory.Agents> agentsNow() {
    return AskPattern.ask(directory, AgentDirectory.GetAgents::new, askTimeout, system.scheduler());
  }
}
