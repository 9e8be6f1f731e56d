package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.cluster.ShardedType;
import dev.lattice.orchestrator.directory.AgentDirectory;
import dev.lattice.orchestrator.dispatch.DispatchPolicy;
import dev.lattice.orchestrator.dispatch.DispatchServices;
import dev.lattice.orchestrator.dispatch.DispatchSettings;
import dev.lattice.orchestrator.dispatch.Dispatcher;
import dev.lattice.orchestrator.dispatch.RunNotifier;
import dev.lattice.orchestrator.guard.Guardrails;
import dev.lattice.orchestrator.plan.Planner;
import dev.lattice.orchestrator.policy.PolicySettings;
import dev.lattice.orchestrator.ratelimit.ProviderLimiter;
import dev.lattice.orchestrator.ratelimit.RateLimitServices;
import dev.lattice.orchestrator.ratelimit.RateLimitSettings;
import dev.lattice.orchestrator.retention.RetentionSettings;
import dev.lattice.orchestrator.retention.RetentionSweeper;
import dev.lattice.orchestrator.run.AssignmentSink;
import dev.lattice.orchestrator.run.ChildRuns;
import dev.lattice.orchestrator.run.RunEntity;
import dev.lattice.orchestrator.run.RunServices;
import dev.lattice.orchestrator.run.RunWatchdog;
import dev.lattice.orchestrator.run.core.RunProgress;
import dev.lattice.orchestrator.run.core.RunSettings;
import dev.lattice.orchestrator.runlog.RunLogSettings;
import dev.lattice.orchestrator.runlog.RunLogWriter;
import dev.lattice.orchestrator.session.SessionEntity;
import dev.lattice.orchestrator.session.SessionStoreSettings;
import dev.lattice.orchestrator.tenant.TenantLedger;
import dev.lattice.persistence.journal.JdbcRunRetention;
import dev.lattice.persistence.journal.PersistenceSettings;
import dev.lattice.persistence.readmodel.JdbcRunIndex;
import dev.lattice.persistence.readmodel.ReadModelDatabase;
import dev.lattice.persistence.runlog.JdbcRunLog;
import dev.lattice.protocol.agent.AgentCommand;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.worker.action.AgentAction;
import dev.lattice.worker.action.llm.LlmAction;
import dev.lattice.worker.action.llm.LlmSettings;
import dev.lattice.worker.action.llm.LlmTargets;
import dev.lattice.worker.agent.WorkerNode;
import dev.lattice.worker.agent.WorkerSettings;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * The root of a node (which joins its cluster through {@link ClusterFormation}): starts the writer
 * of runs' logs, the agent directory, sharding of runs, dispatchers, ledgers, limiters and
 * sessions, the run watchdog and, when retention is on, the retention sweeper (one of each per
 * cluster), and this node's worker agents.
 */
final class Guardian {
  private Guardian() {}

  /** The entity types this guardian shards, each hosted by orchestrator nodes. */
  static final List<ShardedType> SHARDED_TYPES =
      List.of(
          new ShardedType("runs", RunEntity.ENTITY_TYPE_KEY.name(), LatticeSettings.ORCHESTRATOR),
          new ShardedType(
              "dispatchers", Dispatcher.ENTITY_TYPE_KEY.name(), LatticeSettings.ORCHESTRATOR),
          new ShardedType(
              "ledgers", TenantLedger.ENTITY_TYPE_KEY.name(), LatticeSettings.ORCHESTRATOR));

  /** What the guardian started, for the client. */
  record Started(
      ActorRef<AgentDirectory.Command> directory,
      List<ActorRef<AgentCommand>> agents,
      AgentCapabilities capabilities) {}

  static Behavior<Void> create(
      LatticeSettings settings,
      RunSettings runSettings,
      RetentionSettings retentionSettings,
      DispatchSettings dispatchSettings,
      WorkerSettings workerSettings,
      ReadModelDatabase readModels,
      RunLogSettings runLogSettings,
      Map<String, AgentAction> actions,
      Guardrails guardrails,
      Planner planner,
      Clock clock,
      CompletableFuture<Started> started) {
    return Behaviors.setup(
        context -> {
          try {
            started.complete(
                start(
                    context,
                    settings,
                    runSettings,
                    retentionSettings,
                    dispatchSettings,
                    workerSettings,
                    readModels,
                    runLogSettings,
                    actions,
                    guardrails,
                    planner,
                    clock));
          } catch (RuntimeException e) {
            started.completeExceptionally(e);
            throw e;
          }
          return Behaviors.empty();
        });
  }

  private static Started start(
      ActorContext<Void> context,
      LatticeSettings settings,
      RunSettings runSettings,
      RetentionSettings retentionSettings,
      DispatchSettings dispatchSettings,
      WorkerSettings workerSettings,
      ReadModelDatabase readModels,
      RunLogSettings runLogSettings,
      Map<String, AgentAction> actions,
      Guardrails guardrails,
      Planner planner,
      Clock clock) {
    var system = context.getSystem();
    RunLogWriter runLogs =
        RunLogWriter.start(
            system,
            new JdbcRunLog(readModels.dataSource(), runLogSettings.maxRowsPerPage()),
            runLogSettings,
            runSettings.redaction());
    PolicySettings policy = PolicySettings.create(system.settings().config());
    String nodeAddress = Cluster.get(system).selfMember().address().toString();
    ActorRef<AgentDirectory.Command> directory =
        context.spawn(AgentDirectory.create(settings.askTimeout()), "agent-directory");

    ClusterSharding sharding = ClusterSharding.get(system);
    AssignmentSink assignments = new ShardedAssignments(sharding);
    // Callbacks run on the system's executor, not on whatever thread completed the future.
    Executor executor = system.executionContext();
    AgentCapabilities capabilities =
        AgentCapabilities.subscribe(system, directory, settings.askTimeout(), executor);
    ChildRuns children =
        new ShardedChildRuns(
            sharding,
            capabilities,
            planner,
            runSettings.child(),
            system.ignoreRef(),
            settings.askTimeout(),
            executor);
    RunNotifier runs = new ShardedRunNotifier(sharding);
    // Sharding is initialised on every node: where the role is missing this makes a proxy.
    RunEntity.init(
        system,
        new RunServices(
            runSettings,
            new RunProgress(runSettings, policy.estimator()),
            assignments,
            clock,
            system.settings().config().getInt(RunServices.HELD_DELTA_CHARS),
            children,
            runLogs,
            runLogSettings.level()),
        LatticeSettings.ORCHESTRATOR);
    if (settings.orchestrator()) {
      ClusterSingleton.get(system)
          .init(
              SingletonActor.of(
                      RunWatchdog.create(
                          new JdbcRunIndex(readModels.dataSource()),
                          PersistenceSettings.READ_MODEL_DISPATCHER,
                          runSettings.watchdogInitialDelay(),
                          runSettings.watchdogInterval(),
                          runSettings.watchdogPageSize(),
                          runSettings.watchdogPageDelay()),
                      "run-watchdog")
                  .withSettings(
                      ClusterSingletonSettings.create(system)
                          .withRole(LatticeSettings.ORCHESTRATOR)));
      if (retentionSettings.enabled()) {
        startRetention(system, retentionSettings, readModels, clock);
      }
    }
    TenantLedger.init(system, policy, clock, LatticeSettings.ORCHESTRATOR);
    SessionEntity.init(
        system,
        SessionStoreSettings.create(system.settings().config()),
        clock,
        LatticeSettings.ORCHESTRATOR);
    LlmSettings llm = LlmSettings.create(system.settings().config().getConfig("lattice.llm"));
    RateLimitSettings rateLimits = RateLimitSettings.create(system.settings().config());
    ProviderLimiter.init(system, llm, rateLimits, clock, LatticeSettings.ORCHESTRATOR);
    Dispatcher.init(
        system,
        new DispatchServices(
            dispatchSettings,
            directory,
            runs,
            new DispatchPolicy(policy),
            new ShardedTenantLedgers(sharding),
            nodeAddress,
            clock,
            new RateLimitServices(
                new LlmTargets(llm, llmCapabilities(workerSettings)),
                new ShardedProviderLimiters(sharding),
                rateLimits),
            guardrails,
            runLogs),
        LatticeSettings.ORCHESTRATOR);

    List<ActorRef<AgentCommand>> agents =
        settings.worker()
            ? WorkerNode.start(context, workerSettings, actions, nodeAddress, clock)
            : List.of();
    return new Started(directory, agents, capabilities);
  }

  /** The capabilities of the configured agents that run the llm action. */
  private static Set<String> llmCapabilities(WorkerSettings workerSettings) {
    return workerSettings.agents().stream()
        .filter(agent -> LlmAction.NAME.equals(agent.action()))
        .flatMap(agent -> agent.capabilities().stream())
        .collect(Collectors.toSet());
  }

  private static void startRetention(
      ActorSystem<?> system,
      RetentionSettings retentionSettings,
      ReadModelDatabase readModels,
      Clock clock) {
    JdbcRunRetention retention =
        new JdbcRunRetention(
            readModels.dataSource(), runId -> RunEntity.persistenceId(RunId.of(runId)).id());
    ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                    RetentionSweeper.create(
                        retention,
                        PersistenceSettings.READ_MODEL_DISPATCHER,
                        retentionSettings,
                        clock),
                    "run-retention")
                .withSettings(
                    ClusterSingletonSettings.create(system)
                        .withRole(LatticeSettings.ORCHESTRATOR)));
  }
}
