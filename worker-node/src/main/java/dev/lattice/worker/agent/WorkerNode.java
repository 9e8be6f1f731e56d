package dev.lattice.worker.agent;

import dev.lattice.protocol.agent.AgentCommand;
import dev.lattice.protocol.agent.AgentManifest;
import dev.lattice.protocol.agent.Drained;
import dev.lattice.protocol.agent.ToolSpec;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.worker.action.AgentAction;
import dev.lattice.worker.action.EchoAction;
import dev.lattice.worker.action.FilesWriteAction;
import dev.lattice.worker.action.ShellAction;
import dev.lattice.worker.action.http.HttpAction;
import dev.lattice.worker.action.llm.DeltaSink;
import dev.lattice.worker.action.llm.LlmAction;
import dev.lattice.worker.action.llm.RateReports;
import dev.lattice.worker.action.llm.SessionMemory;
import dev.lattice.worker.action.retrieval.EmbedAction;
import dev.lattice.worker.action.retrieval.InProcessEmbedder;
import dev.lattice.worker.action.retrieval.RetrievalSettings;
import dev.lattice.worker.action.retrieval.SplitAction;
import dev.lattice.worker.action.retrieval.VectorQueryAction;
import dev.lattice.worker.action.retrieval.VectorTable;
import dev.lattice.worker.action.retrieval.VectorUpsertAction;
import dev.lattice.worker.secret.SecretResolver;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/** Starts the worker agents of a node with the {@code worker} role. */
public final class WorkerNode {
  private WorkerNode() {}

  /**
   * The built-in actions by name, configured from {@code settings}; the {@code llm} action's
   * streamed text goes to {@code deltas}, what providers' rate-limit headers say to {@code
   * rateReports}, the sessions its steps name are kept in {@code sessions}, and the vector actions
   * read and write the vector table through {@code vectors} (a pool in the journal's database).
   */
  public static Map<String, AgentAction> builtInActions(
      WorkerSettings settings,
      DeltaSink deltas,
      RateReports rateReports,
      SessionMemory sessions,
      DataSource vectors) {
    RetrievalSettings retrieval = settings.retrieval();
    InProcessEmbedder embedder = new InProcessEmbedder();
    VectorTable table = new VectorTable(vectors);
    return Map.of(
        "echo",
        new EchoAction(),
        "shell",
        new ShellAction(settings.shell(), settings.workspace()),
        FilesWriteAction.NAME,
        new FilesWriteAction(settings.workspace()),
        LlmAction.NAME,
        new LlmAction(settings.llm(), deltas, rateReports, sessions),
        HttpAction.NAME,
        new HttpAction(
            settings.http(), SecretResolver.create(settings.secrets()), Clock.systemUTC()),
        SplitAction.NAME,
        new SplitAction(retrieval.split()),
        EmbedAction.NAME,
        new EmbedAction(retrieval.embeddings(), embedder),
        VectorUpsertAction.NAME,
        new VectorUpsertAction(retrieval.vectors(), table),
        VectorQueryAction.NAME,
        new VectorQueryAction(retrieval, embedder, table));
  }

  /**
   * Spawns every agent of {@code settings} as a child of {@code context}, each running the action
   * its spec names from {@code actions}.
   *
   * @param nodeAddress the cluster address of this node, announced in each manifest
   * @throws IllegalArgumentException if an agent names an unknown action or ids repeat
   */
  public static List<ActorRef<AgentCommand>> start(
      ActorContext<?> context,
      WorkerSettings settings,
      Map<String, AgentAction> actions,
      String nodeAddress,
      Clock clock) {
    Set<String> ids = new HashSet<>();
    Map<String, ActorRef<AgentCommand>> started = new HashMap<>();
    for (AgentSpec spec : settings.agents()) {
      AgentAction action = actions.get(spec.action());
      if (action == null) {
        throw new IllegalArgumentException(
            "agent '"
                + spec.id()
                + "' runs action '"
                + spec.action()
                + "', which is neither built in nor registered; known: "
                + actions.keySet().stream().sorted().toList());
      }
      if (!ids.add(spec.id())) {
        throw new IllegalArgumentException("agent id '" + spec.id() + "' is used twice");
      }
      AgentManifest manifest =
          new AgentManifest(
              AgentId.of(settings.nodeName() + "." + spec.id()),
              spec.capabilities(),
              spec.models(),
              spec.maxConcurrent(),
              spec.priority(),
              nodeAddress,
              toolsOf(spec, action, settings));
      started.put(
          spec.id(),
          context.spawn(
              WorkerAgent.create(manifest, action, settings, clock), "agent-" + spec.id()));
    }
    List<ActorRef<AgentCommand>> agents = List.copyOf(started.values());
    drainOnLeaving(context.getSystem(), agents, settings.drainTimeout());
    return agents;
  }

  /**
   * How the capabilities of {@code spec} are offered as tools: configuration first, then action.
   */
  private static Map<String, ToolSpec> toolsOf(
      AgentSpec spec, AgentAction action, WorkerSettings settings) {
    Map<String, ToolSpec> tools = new HashMap<>();
    for (String capability : spec.capabilities()) {
      ToolSpec described = settings.tools().get(capability);
      if (described == null) {
        described = action.describe(capability);
      }
      if (described != null) {
        tools.put(capability, described);
      }
    }
    return tools;
  }

  /**
   * When the node leaves (coordinated shutdown), before it leaves the cluster: its agents take no
   * more work and the node waits, up to {@code timeout}, for what they are running to finish, so
   * that a clean stop finishes its attempts instead of handing them back as {@code worker_lost}.
   * What is still running after the timeout is handed back that way.
   */
  private static void drainOnLeaving(
      ActorSystem<?> system, List<ActorRef<AgentCommand>> agents, Duration timeout) {
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeClusterShutdown(),
            "lattice-drain-agents",
            () -> {
              CompletableFuture<?>[] drained =
                  agents.stream()
                      .map(
                          agent ->
                              AskPattern.<AgentCommand, Drained>ask(
                                      agent, AgentCommand.Drain::new, timeout, system.scheduler())
                                  .toCompletableFuture())
                      .toArray(CompletableFuture<?>[]::new);
              return CompletableFuture.allOf(drained).handle((done, failure) -> Done.getInstance());
            });
  }
}
