package dev.lattice.orchestrator.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.cluster.ClusterSettings;
import dev.lattice.orchestrator.cluster.NodeReadiness;
import dev.lattice.orchestrator.cluster.ShardDistributions;
import dev.lattice.orchestrator.directory.AgentDirectory;
import dev.lattice.orchestrator.dispatch.DispatchSettings;
import dev.lattice.orchestrator.plan.PlanValidator;
import dev.lattice.orchestrator.plan.Planner;
import dev.lattice.orchestrator.plan.TemplateRegistry;
import dev.lattice.orchestrator.policy.PolicySettings;
import dev.lattice.orchestrator.run.RetentionSettings;
import dev.lattice.orchestrator.run.RunSettings;
import dev.lattice.persistence.journal.JournalDatabase;
import dev.lattice.persistence.journal.JournalProbe;
import dev.lattice.persistence.journal.PersistenceSettings;
import dev.lattice.persistence.journal.SchemaMigrations;
import dev.lattice.persistence.readmodel.JdbcAuditLog;
import dev.lattice.persistence.readmodel.JdbcRunIndex;
import dev.lattice.persistence.readmodel.ReadModelDatabase;
import dev.lattice.protocol.plan.StepKind;
import dev.lattice.worker.action.AgentAction;
import dev.lattice.worker.agent.AgentSpec;
import dev.lattice.worker.agent.WorkerNode;
import dev.lattice.worker.agent.WorkerSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A running Lattice node, embedded in this JVM, and the entry point of the embedding API.
 *
 * <pre>{@code
 * try (Lattice lattice = Lattice.builder()
 *         .dataDirectory(Path.of("data"))
 *         .action("summarize", new SummarizeAction())
 *         .start()) {
 *   RunAccepted run = lattice.client().execute(request).toCompletableFuture().join();
 * }
 * }</pre>
 *
 * <p>{@link #close()} shuts the node down cleanly: shards hand over, the journal closes after its
 * last write.
 */
public final class Lattice implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final LatticeClient client;
  private final LatticeSettings settings;
  private final JournalDatabase database;
  private final CompletableFuture<Void> stopped;

  /**
   * @param stopped completes once the actor system has terminated and the resources that outlive
   *     its actors (the read models' connection pool) are closed
   */
  private Lattice(
      ActorSystem<Void> system,
      LatticeClient client,
      LatticeSettings settings,
      JournalDatabase database,
      CompletableFuture<Void> stopped) {
    this.system = system;
    this.client = client;
    this.settings = settings;
    this.database = database;
    this.stopped = stopped;
  }

  /** The configuration a node gets without overrides: application.conf and the defaults. */
  public static Config defaultConfig() {
    return NodeConfig.assemble(ConfigFactory.empty(), null);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The client for this node. */
  public LatticeClient client() {
    return client;
  }

  /** The node's actor system, e.g. to materialize event streams. */
  public ActorSystem<Void> system() {
    return system;
  }

  /** This node's cluster address. */
  public String address() {
    return Cluster.get(system).selfMember().address().toString();
  }

  /** Where this node's journal lives (without credentials). */
  public String journal() {
    return database.displayUrl();
  }

  public List<String> roles() {
    return settings.roles();
  }

  /** Stops the node and waits for it to finish. */
  @Override
  public void close() {
    system.terminate();
    awaitStopped(stopped, settings.startTimeout());
  }

  /**
   * Waits for {@code stopped}: not only the actors, the last database connections close after them,
   * and a caller may delete the data directory as soon as the node is closed.
   */
  private static void awaitStopped(CompletableFuture<Void> stopped, Duration timeout) {
    try {
      stopped.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the node did not stop in time", e);
    }
  }

  /** Configures and starts a node. */
  public static final class Builder {
    /** How often start-up checks a condition it waits for. */
    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

    private Config config = ConfigFactory.empty();
    private Path dataDirectory;
    private final Map<String, AgentAction> actions = new HashMap<>();
    private final List<AgentSpec> agents = new ArrayList<>();
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Configuration that overrides {@code application.conf} and the defaults. */
    public Builder config(Config overrides) {
      this.config = overrides.withFallback(config);
      return this;
    }

    /** Where the embedded journal lives (default {@code lattice.persistence.data-dir}). */
    public Builder dataDirectory(Path directory) {
      this.dataDirectory = directory;
      return this;
    }

    /**
     * Registers {@code action} under {@code capability} and starts an agent that serves it, at most
     * {@code maxConcurrent} assignments at once.
     */
    public Builder action(String capability, AgentAction action, int maxConcurrent) {
      actions.put(capability, action);
      agents.add(AgentSpec.forCapability(capability, maxConcurrent));
      return this;
    }

    /** {@link #action(String, AgentAction, int)} with up to 16 assignments at once. */
    public Builder action(String capability, AgentAction action) {
      return action(capability, action, 16);
    }

    /** Registers {@code action} under its name without starting an agent for it. */
    public Builder namedAction(String name, AgentAction action) {
      actions.put(name, action);
      return this;
    }

    /** Starts an agent described by {@code spec}, whose action was registered or is built in. */
    public Builder agent(AgentSpec spec) {
      agents.add(spec);
      return this;
    }

    /** The clock events are stamped with (for tests). */
    public Builder clock(Clock value) {
      this.clock = value;
      return this;
    }

    /**
     * Starts the node and waits until it is up and its own agents are registered.
     *
     * @throws IllegalStateException if the node cannot start, with the reason
     */
    public Lattice start() {
      Config resolved = NodeConfig.assemble(config, dataDirectory);
      PersistenceSettings persistence = PersistenceSettings.create(resolved);
      LatticeSettings settings = LatticeSettings.create(resolved);
      FormationSettings formation = FormationSettings.create(resolved);
      prepareJournal(persistence);

      RunSettings runSettings = RunSettings.create(resolved);
      RetentionSettings retentionSettings = RetentionSettings.create(resolved);
      WorkerSettings workerSettings = WorkerSettings.create(resolved).withAgents(agents);
      Map<String, AgentAction> allActions =
          new HashMap<>(WorkerNode.builtInActions(workerSettings));
      allActions.putAll(actions);
      Planner planner =
          new Planner(
              TemplateRegistry.load(settings.templates(), settings.templateDirectory()),
              new PlanValidator(
                  settings.maxSteps(),
                  EnumSet.of(StepKind.AGENT, StepKind.TRANSFORM, StepKind.GATE, StepKind.WAIT),
                  settings.maxDuration()),
              runSettings.defaultRetry(),
              runSettings.payloadLimits());

      CompletableFuture<Guardian.Started> started = new CompletableFuture<>();
      ClusterSettings clusterSettings = ClusterSettings.create(resolved);
      ReadModelDatabase readModels =
          new ReadModelDatabase(persistence.database(), persistence.readModelPoolSize());
      JournalProbe journalProbe =
          new JournalProbe(persistence.database(), clusterSettings.journalTimeout());
      // The node's own pools, closed after the actors that use them (or at once if there are
      // none).
      Runnable closePools =
          () -> {
            readModels.close();
            journalProbe.close();
          };
      ActorSystem<Void> system;
      try {
        system =
            ActorSystem.create(
                Guardian.create(
                    settings,
                    runSettings,
                    retentionSettings,
                    DispatchSettings.create(resolved),
                    workerSettings,
                    readModels,
                    allActions,
                    clock,
                    started),
                "lattice",
                resolved);
      } catch (RuntimeException e) {
        // No actor system (its remoting port is taken, say): nothing else closes the pools.
        closePools.run();
        throw e;
      }
      CompletableFuture<Void> stopped =
          system.getWhenTerminated().thenRun(closePools).toCompletableFuture();
      try {
        Instant deadline = Instant.now().plus(settings.startTimeout());
        Guardian.Started refs = await(started, deadline);
        awaitJoining(system, formation, deadline);
        awaitUp(system, deadline);
        if (settings.worker()) {
          awaitAgents(system, refs.directory(), expectedAgents(workerSettings), settings, deadline);
        }
        LatticeClient client =
            LocalLatticeClient.create(
                system,
                refs.directory(),
                planner,
                persistence,
                new ReadModels(
                    system,
                    new JdbcRunIndex(readModels.dataSource()),
                    new JdbcAuditLog(readModels.dataSource())),
                PolicySettings.create(resolved),
                settings,
                new NodeReadiness(
                    system,
                    Guardian.SHARDED_TYPES,
                    journalProbe,
                    system
                        .dispatchers()
                        .lookup(
                            DispatcherSelector.fromConfig(
                                PersistenceSettings.READ_MODEL_DISPATCHER)),
                    clusterSettings),
                new ShardDistributions(
                    system, Guardian.SHARDED_TYPES, clusterSettings.shardStatsTimeout()));
        return new Lattice(system, client, settings, persistence.database(), stopped);
      } catch (RuntimeException e) {
        // A node that did not start leaves nothing open: its caller may retry on the same data
        // directory, or delete it, as soon as this throws.
        system.terminate();
        try {
          awaitStopped(stopped, settings.startTimeout());
        } catch (RuntimeException stopFailure) {
          e.addSuppressed(stopFailure);
        }
        throw e;
      }
    }

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
      Set<String> ids = new java.util.HashSet<>();
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
        throw new IllegalStateException(
            "the node failed to start: " + rootMessage(e), e.getCause());
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

    private static void awaitUp(ActorSystem<?> system, Instant deadline) {
      CompletableFuture<Void> up = new CompletableFuture<>();
      org.apache.pekko.cluster.Cluster.get(system.classicSystem())
          .registerOnMemberUp(() -> up.complete(null));
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
        org.apache.pekko.actor.typed.ActorRef<AgentDirectory.Command> directory,
        Set<String> expected,
        LatticeSettings settings,
        Instant deadline) {
      // The receptionist spreads registrations asynchronously; plans naming these agents'
      // capabilities are valid only once the directory lists them.
      while (true) {
        AgentDirectory.Agents agents =
            await(
                AskPattern.<AgentDirectory.Command, AgentDirectory.Agents>ask(
                        directory,
                        AgentDirectory.GetAgents::new,
                        settings.askTimeout(),
                        system.scheduler())
                    .toCompletableFuture(),
                deadline);
        Set<String> known = new java.util.HashSet<>();
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
}
