package dev.lattice.orchestrator.node;

import com.typesafe.config.Config;
import dev.lattice.orchestrator.cluster.ClusterSettings;
import dev.lattice.orchestrator.cluster.NodeReadiness;
import dev.lattice.orchestrator.cluster.ShardDistributions;
import dev.lattice.orchestrator.directory.AgentDirectory;
import dev.lattice.orchestrator.dispatch.DispatchSettings;
import dev.lattice.orchestrator.guard.Guardrail;
import dev.lattice.orchestrator.guard.Guardrails;
import dev.lattice.orchestrator.logging.LogFormat;
import dev.lattice.orchestrator.logging.LogRedaction;
import dev.lattice.orchestrator.plan.GoalPlans;
import dev.lattice.orchestrator.plan.GoalSettings;
import dev.lattice.orchestrator.plan.PlanValidator;
import dev.lattice.orchestrator.plan.Planner;
import dev.lattice.orchestrator.plan.TemplateRegistry;
import dev.lattice.orchestrator.policy.PolicySettings;
import dev.lattice.orchestrator.retention.RetentionSettings;
import dev.lattice.orchestrator.run.core.RunSettings;
import dev.lattice.orchestrator.runlog.RunLogSettings;
import dev.lattice.orchestrator.session.SessionStoreSettings;
import dev.lattice.orchestrator.tls.ClusterTls;
import dev.lattice.orchestrator.tracing.TracingSetup;
import dev.lattice.persistence.audit.KeyRing;
import dev.lattice.persistence.auth.JdbcAuthStore;
import dev.lattice.persistence.journal.JournalDatabase;
import dev.lattice.persistence.journal.JournalPool;
import dev.lattice.persistence.journal.JournalProbe;
import dev.lattice.persistence.journal.PersistenceSettings;
import dev.lattice.persistence.journal.SchemaMigrations;
import dev.lattice.persistence.payload.StoredTexts;
import dev.lattice.persistence.readmodel.JdbcAuditLog;
import dev.lattice.persistence.readmodel.JdbcRunIndex;
import dev.lattice.persistence.readmodel.ReadModelDatabase;
import dev.lattice.persistence.runlog.JdbcRunLog;
import dev.lattice.worker.action.AgentAction;
import dev.lattice.worker.action.llm.SessionMemory;
import dev.lattice.worker.agent.AgentSpec;
import dev.lattice.worker.agent.WorkerNode;
import dev.lattice.worker.agent.WorkerSettings;
import dev.lattice.worker.mcp.McpClientSettings;
import dev.lattice.worker.mcp.McpServers;
import dev.lattice.worker.secret.SecretResolver;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Cluster;

/**
 * Starting a node, step by step: read its settings, prepare its journal, open its pools, start its
 * actor system, wait until it is up with its own agents registered, then wire its client. A start
 * that fails closes what it opened, so its caller may retry on the same data directory, or delete
 * it, as soon as the start throws.
 */
final class NodeStart {
  /** How often start-up checks a condition it waits for. */
  private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

  private NodeStart() {}

  /** The settings a node reads from its configuration. */
  private record NodeSettings(
      Config config,
      PersistenceSettings persistence,
      LatticeSettings lattice,
      FormationSettings formation,
      RunSettings run,
      RetentionSettings retention,
      WorkerSettings worker,
      ClusterSettings cluster,
      RunLogSettings runLog) {

    /** These settings with the agents of MCP servers, under those the application registered. */
    NodeSettings withMcpAgents(List<AgentSpec> mcpAgents) {
      if (mcpAgents.isEmpty()) {
        return this;
      }
      List<AgentSpec> all = new ArrayList<>(mcpAgents);
      // An agent the application registered under the same id replaces the server's.
      all.removeIf(a -> worker.agents().stream().anyMatch(b -> b.id().equals(a.id())));
      return new NodeSettings(
          config,
          persistence,
          lattice,
          formation,
          run,
          retention,
          worker.withAgents(all),
          cluster,
          runLog);
    }
  }

  /** The name of the vector store's pool (and the prefix of its threads' names). */
  private static final String VECTOR_POOL = "lattice-vectors";

  /**
   * The node's own pools, closed after the actors that use them, and the session texts stored
   * through the read models' pool.
   */
  private record Pools(
      ReadModelDatabase readModels,
      JournalProbe journalProbe,
      StoredTexts sessionTexts,
      JournalPool vectors) {
    void close() {
      readModels.close();
      journalProbe.close();
      vectors.close();
    }
  }

  /**
   * Starts a node configured by {@code overrides} (over application.conf and the defaults) with its
   * journal in {@code dataDirectory} (or the configured one), the registered {@code actions} and
   * {@code agents}, stamping events with {@code clock}.
   *
   * @throws IllegalStateException if the node cannot start, with the reason
   */
  static Lattice start(
      Config overrides,
      Path dataDirectory,
      Map<String, AgentAction> actions,
      List<AgentSpec> agents,
      Map<String, Guardrail> guardrails,
      Clock clock,
      List<SpanExporter> spanExporters) {
    Config resolved = NodeConfig.assemble(overrides, dataDirectory);
    Guardrails checks = Guardrails.create(resolved, guardrails);
    NodeSettings configured = readSettings(resolved, agents);
    // Before anything logs: the node's log lines are redacted as its events are, in its format.
    LogRedaction.install(configured.run().redaction());
    LogFormat.install(LogFormat.parse(resolved.getString(LogFormat.PATH)));
    ClusterTls.trustJournal(resolved, configured.persistence().database().url());
    prepareJournal(configured.persistence());
    KeyRing auditKeys = NodeAudit.keys(resolved);
    Planner planner = planner(configured);
    McpServers mcp = startMcp(configured, clock);
    NodeSettings settings = configured.withMcpAgents(mcp.agents());
    Pools pools;
    ActorSystem<Void> system;
    CompletableFuture<Guardian.Started> started = new CompletableFuture<>();
    try {
      pools = openPools(settings);
      system =
          startSystem(
              settings,
              pools,
              allActions(
                  settings,
                  mcp,
                  actions,
                  new ShardedSessionMemory(
                      pools.sessionTexts(), checks, settings.lattice().askTimeout()),
                  pools.vectors()),
              checks,
              planner,
              clock,
              started);
    } catch (RuntimeException e) {
      mcp.close();
      throw e;
    }
    stopMcpWith(system, mcp);
    TracingSetup.install(system, spanExporters);
    CompletableFuture<Void> stopped =
        system.getWhenTerminated().thenRun(pools::close).thenRun(mcp::close).toCompletableFuture();
    try {
      Guardian.Started refs = awaitUp(system, settings, started);
      LatticeClient client = client(system, settings, refs, planner, pools, auditKeys);
      return new Lattice(
          system,
          client,
          settings.lattice(),
          settings.persistence().database(),
          new JdbcAuthStore(pools.readModels().dataSource()),
          stopped);
    } catch (RuntimeException e) {
      stop(system, stopped, settings.lattice().startTimeout(), e);
      throw e;
    }
  }

  /**
   * Connects the node's MCP servers, if it is a worker: their tools are its agents' capabilities,
   * so this waits (bounded by lattice.mcp.client.connect-timeout) before any agent starts.
   */
  private static McpServers startMcp(NodeSettings settings, Clock clock) {
    if (!settings.lattice().worker()) {
      return McpServers.none();
    }
    return McpServers.start(
        McpClientSettings.create(settings.config()),
        SecretResolver.create(settings.worker().secrets()),
        clock);
  }

  /** Stops the MCP server processes as the node stops, after its agents finished their work. */
  private static void stopMcpWith(ActorSystem<?> system, McpServers mcp) {
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "lattice-mcp-servers",
            () -> mcp.stop().handle((done, failure) -> Done.getInstance()));
  }

  private static NodeSettings readSettings(Config config, List<AgentSpec> agents) {
    return new NodeSettings(
        config,
        PersistenceSettings.create(config),
        LatticeSettings.create(config),
        FormationSettings.create(config),
        RunSettings.create(config),
        RetentionSettings.create(config),
        WorkerSettings.create(config).withAgents(agents),
        ClusterSettings.create(config),
        RunLogSettings.create(config));
  }

  /** Creates the data directory of a file journal, and migrates or validates the schema. */
  private static void prepareJournal(PersistenceSettings persistence) {
    JournalDatabase database = persistence.database();
    if (database.dialect() == JournalDatabase.Dialect.H2
        && database.url().startsWith("jdbc:h2:file:")) {
      try {
        Files.createDirectories(persistence.dataDirectory().toAbsolutePath());
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot create data directory " + persistence.dataDirectory(), e);
      }
    }
    try {
      if (persistence.migrateOnStart()) {
        SchemaMigrations.migrate(database);
      } else {
        SchemaMigrations.validate(database);
      }
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot open the journal at " + database.displayUrl() + ": " + rootMessage(e), e);
    }
  }

  private static Planner planner(NodeSettings settings) {
    LatticeSettings lattice = settings.lattice();
    return new Planner(
        TemplateRegistry.load(lattice.templates(), lattice.templateDirectory()),
        new PlanValidator(
            lattice.maxSteps(),
            PlanValidator.PLAN_KINDS,
            lattice.maxDuration(),
            settings.run().subPlan(),
            settings.run().child()),
        settings.run().defaultRetry(),
        settings.run().payloadLimits(),
        new GoalPlans(
            GoalSettings.create(settings.config()),
            lattice.maxSteps(),
            lattice.maxDuration(),
            PolicySettings.create(settings.config()),
            settings.run().subPlan(),
            settings.run().child()));
  }

  private static Pools openPools(NodeSettings settings) {
    PersistenceSettings persistence = settings.persistence();
    ReadModelDatabase readModels =
        new ReadModelDatabase(persistence.database(), persistence.readModelPoolSize());
    return new Pools(
        readModels,
        new JournalProbe(persistence.database(), settings.cluster().journalTimeout()),
        new StoredTexts(
            readModels.dataSource(),
            SessionStoreSettings.create(settings.config()).textCacheMaxBytes()),
        // Lazy: a node whose steps never store or query vectors opens no connection for them.
        new JournalPool(
            persistence.database(),
            settings.worker().retrieval().vectors().poolSize(),
            VECTOR_POOL,
            true));
  }

  /** The built-in actions, those of the MCP servers, and over them the application's. */
  private static Map<String, AgentAction> allActions(
      NodeSettings settings,
      McpServers mcp,
      Map<String, AgentAction> registered,
      SessionMemory sessions,
      JournalPool vectors) {
    Map<String, AgentAction> all =
        new HashMap<>(
            WorkerNode.builtInActions(
                settings.worker(),
                new ShardedDeltaSink(),
                new LimiterReports(),
                sessions,
                vectors.dataSource()));
    all.putAll(mcp.actions());
    all.putAll(registered);
    return all;
  }

  /** Starts the actor system and its guardian, which completes {@code started}. */
  private static ActorSystem<Void> startSystem(
      NodeSettings settings,
      Pools pools,
      Map<String, AgentAction> actions,
      Guardrails guardrails,
      Planner planner,
      Clock clock,
      CompletableFuture<Guardian.Started> started) {
    try {
      return ActorSystem.create(
          Guardian.create(
              settings.lattice(),
              settings.run(),
              settings.retention(),
              DispatchSettings.create(settings.config()),
              settings.worker(),
              pools.readModels(),
              settings.runLog(),
              actions,
              guardrails,
              planner,
              clock,
              started),
          "lattice",
          settings.config());
    } catch (RuntimeException e) {
      // No actor system (its remoting port is taken, say): nothing else closes the pools.
      pools.close();
      throw e;
    }
  }

  /** Waits until the guardian started, the node is an up member, and its own agents registered. */
  private static Guardian.Started awaitUp(
      ActorSystem<?> system, NodeSettings settings, CompletableFuture<Guardian.Started> started) {
    Instant deadline = Instant.now().plus(settings.lattice().startTimeout());
    Guardian.Started refs = await(started, deadline);
    awaitJoining(system, settings.formation(), deadline);
    awaitMemberUp(system, deadline);
    if (settings.lattice().worker()) {
      awaitAgents(system, refs.directory(), expectedAgents(settings.worker()), settings, deadline);
    }
    return refs;
  }

  private static LatticeClient client(
      ActorSystem<?> system,
      NodeSettings settings,
      Guardian.Started refs,
      Planner planner,
      Pools pools,
      KeyRing auditKeys) {
    ReadModelDatabase readModels = pools.readModels();
    NodeAudit audit = NodeAudit.start(system, auditKeys, readModels.dataSource());
    return LocalLatticeClient.create(
        system,
        refs.directory(),
        refs.capabilities(),
        planner,
        settings.persistence(),
        new ReadModels(
            system,
            new JdbcRunIndex(readModels.dataSource()),
            new JdbcAuditLog(readModels.dataSource()),
            audit.verifier(),
            new JdbcRunLog(readModels.dataSource(), settings.runLog().maxRowsPerPage())),
        PolicySettings.create(settings.config()),
        settings.lattice(),
        new NodeReadiness(
            system,
            Guardian.SHARDED_TYPES,
            pools.journalProbe(),
            system
                .dispatchers()
                .lookup(DispatcherSelector.fromConfig(PersistenceSettings.READ_MODEL_DISPATCHER)),
            settings.cluster()),
        new ShardDistributions(
            system, Guardian.SHARDED_TYPES, settings.cluster().shardStatsTimeout()),
        pools.sessionTexts(),
        audit,
        readModels.dataSource());
  }

  /** Stops a node that did not start, adding a failure to stop to {@code cause}. */
  private static void stop(
      ActorSystem<?> system,
      CompletableFuture<Void> stopped,
      Duration timeout,
      RuntimeException cause) {
    system.terminate();
    try {
      awaitStopped(stopped, timeout);
    } catch (RuntimeException stopFailure) {
      cause.addSuppressed(stopFailure);
    }
  }

  /**
   * Waits for {@code stopped}: not only the actors, the last database connections close after them,
   * and a caller may delete the data directory as soon as the node is closed.
   */
  static void awaitStopped(CompletableFuture<Void> stopped, Duration timeout) {
    try {
      stopped.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the node did not stop in time", e);
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.toString() : root.getMessage();
    if (message.contains("already in use") || message.contains("is locked")) {
      return "another process (probably another Lattice node) has this data directory open";
    }
    return message.lines().findFirst().orElse(message);
  }

  private static Set<String> expectedAgents(WorkerSettings workerSettings) {
    Set<String> ids = new HashSet<>();
    workerSettings.agents().forEach(a -> ids.add(workerSettings.nodeName() + "." + a.id()));
    return ids;
  }

  private static <T> T await(CompletableFuture<T> future, Instant deadline) {
    try {
      return future.get(remaining(deadline).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the node started", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the node failed to start: " + rootMessage(e), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("the node did not start in time", e);
    }
  }

  /** Starts joining the cluster; a failure to start says what went wrong in its own words. */
  private static void awaitJoining(
      ActorSystem<?> system, FormationSettings cluster, Instant deadline) {
    CompletableFuture<Throwable> failure =
        ClusterFormation.start(system, cluster)
            .toCompletableFuture()
            .handle((ok, e) -> e == null ? null : Failures.cause(e));
    Throwable e = await(failure, deadline);
    if (e != null) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private static void awaitMemberUp(ActorSystem<?> system, Instant deadline) {
    CompletableFuture<Void> up = new CompletableFuture<>();
    Cluster.get(system.classicSystem()).registerOnMemberUp(() -> up.complete(null));
    await(up, deadline);
    // The callback runs only once this member is Up; the member view that selfMember() reads
    // is updated by a separate event a moment later, so it is not checked here (under load that
    // check failed a healthy start). A system that stopped meanwhile is not up, though.
    if (system.getWhenTerminated().toCompletableFuture().isDone()) {
      throw new IllegalStateException("the node did not join its cluster");
    }
  }

  /** A short pause while polling, within {@code deadline}. */
  private static void pause(Instant deadline) {
    await(
        CompletableFuture.runAsync(
            () -> {},
            CompletableFuture.delayedExecutor(POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)),
        deadline);
  }

  private static void awaitAgents(
      ActorSystem<?> system,
      ActorRef<AgentDirectory.Command> directory,
      Set<String> expected,
      NodeSettings settings,
      Instant deadline) {
    // The receptionist spreads registrations asynchronously; plans naming these agents'
    // capabilities are valid only once the directory lists them.
    while (true) {
      AgentDirectory.Agents agents =
          await(
              AskPattern.<AgentDirectory.Command, AgentDirectory.Agents>ask(
                      directory,
                      AgentDirectory.GetAgents::new,
                      settings.lattice().askTimeout(),
                      system.scheduler())
                  .toCompletableFuture(),
              deadline);
      Set<String> known = new HashSet<>();
      agents.agents().forEach(a -> known.add(a.manifest().agentId().value()));
      if (known.containsAll(expected)) {
        return;
      }
      if (remaining(deadline).isZero()) {
        throw new IllegalStateException("agents did not register in time: " + expected);
      }
      pause(deadline);
    }
  }

  private static Duration remaining(Instant deadline) {
    Duration left = Duration.between(Instant.now(), deadline);
    return left.isNegative() ? Duration.ZERO : left;
  }
}
