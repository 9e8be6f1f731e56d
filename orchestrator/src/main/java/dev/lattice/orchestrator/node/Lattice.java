package dev.lattice.orchestrator.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.guard.Guardrail;
import dev.lattice.persistence.auth.JdbcAuthStore;
import dev.lattice.persistence.journal.JournalDatabase;
import dev.lattice.worker.action.AgentAction;
import dev.lattice.worker.agent.AgentSpec;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;
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
  private final JdbcAuthStore authStore;
  private final CompletableFuture<Void> stopped;

  /**
   * @param authStore the API keys and signing secrets, in the journal's database
   * @param stopped completes once the actor system has terminated and the resources that outlive
   *     its actors (the read models' connection pool) are closed
   */
  Lattice(
      ActorSystem<Void> system,
      LatticeClient client,
      LatticeSettings settings,
      JournalDatabase database,
      JdbcAuthStore authStore,
      CompletableFuture<Void> stopped) {
    this.system = system;
    this.client = client;
    this.settings = settings;
    this.database = database;
    this.authStore = authStore;
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

  /**
   * The cluster's API keys and shared signing secrets, in the journal's database: what the HTTP API
   * authenticates requests with. Its calls block.
   */
  public JdbcAuthStore authStore() {
    return authStore;
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
    NodeStart.awaitStopped(stopped, settings.startTimeout());
  }

  /** Configures and starts a node. */
  public static final class Builder {
    private Config config = ConfigFactory.empty();
    private Path dataDirectory;
    private final Map<String, AgentAction> actions = new HashMap<>();
    private final List<AgentSpec> agents = new ArrayList<>();
    private final Map<String, Guardrail> guardrails = new HashMap<>();
    private final List<SpanExporter> spanExporters = new ArrayList<>();
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

    /**
     * Registers {@code guardrail} under {@code name}: it runs where {@code lattice.guardrails.NAME}
     * says ({@code enabled}, {@code mode}, {@code applies-to}), which must be configured.
     */
    public Builder guardrail(String name, Guardrail guardrail) {
      guardrails.put(name, guardrail);
      return this;
    }

    /**
     * Sends the node's spans to {@code exporter} too, span by span (an application's own tracing
     * backend, or a test's in-memory exporter); it is shut down with the node.
     */
    public Builder spanExporter(SpanExporter exporter) {
      spanExporters.add(exporter);
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
      return NodeStart.start(
          config, dataDirectory, actions, agents, guardrails, clock, List.copyOf(spanExporters));
    }
  }
}
