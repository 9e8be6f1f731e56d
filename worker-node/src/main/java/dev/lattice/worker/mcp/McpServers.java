package dev.lattice.worker.mcp;

import dev.lattice.protocol.agent.ToolSpec;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.worker.action.AgentAction;
import dev.lattice.worker.agent.AgentSpec;
import dev.lattice.worker.secret.SecretResolver;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP servers of a node ({@code lattice.mcp.servers}), connected at its start: each server's
 * tools become capabilities {@code mcp.SERVER.TOOL} of one agent, {@code mcp-SERVER}, running the
 * action {@code mcp.SERVER}, and described as tools by what the server lists.
 *
 * <p>Starting waits, on the caller's thread and before any agent is spawned, until every server has
 * answered its handshake and listed its tools (each within {@code
 * lattice.mcp.client.connect-timeout}, all at once): an agent announces its capabilities once, when
 * it starts. A server that cannot be reached then stops the node from starting, naming it, unless
 * it is not required: the node then starts without it. Tools a server adds later are not served
 * until the node restarts; tools it drops fail their calls with {@code invalid_input}.
 */
public final class McpServers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(McpServers.class);
  private static final McpServers NONE = new McpServers(List.of(), List.of(), Map.of(), null, 0);

  private final List<McpServerConnection> connections;
  private final List<AgentSpec> agents;
  private final Map<String, AgentAction> actions;
  private final ScheduledExecutorService scheduler;
  private final long stopBoundMillis;

  private McpServers(
      List<McpServerConnection> connections,
      List<AgentSpec> agents,
      Map<String, AgentAction> actions,
      ScheduledExecutorService scheduler,
      long stopBoundMillis) {
    this.connections = List.copyOf(connections);
    this.agents = List.copyOf(agents);
    this.actions = Map.copyOf(actions);
    this.scheduler = scheduler;
    this.stopBoundMillis = stopBoundMillis;
  }

  /** No servers: what a node without the worker role, or without servers, has. */
  public static McpServers none() {
    return NONE;
  }

  /**
   * Connects every server of {@code settings} and lists its tools, waiting for all of them. The
   * secret references of the servers' env and header values are resolved by {@code secrets}.
   *
   * @throws IllegalStateException if a server cannot be started or reached in time, after stopping
   *     those that started
   */
  public static McpServers start(McpClientSettings settings, SecretResolver secrets, Clock clock) {
    if (settings.servers().isEmpty()) {
      return NONE;
    }
    // Restarts and the bookkeeping around connections run here; calls run on the agents' action
    // executor and the SDK's own threads.
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "lattice-mcp");
              thread.setDaemon(true);
              return thread;
            });
    McpJsonMapper json = McpJsonDefaults.getMapper();
    List<McpServerConnection> connections = new ArrayList<>();
    Map<McpServerConnection, CompletableFuture<List<McpSchema.Tool>>> started =
        new LinkedHashMap<>();
    for (McpServerSpec spec : settings.servers()) {
      McpServerConnection connection =
          new McpServerConnection(spec, secrets, settings, json, scheduler);
      connections.add(connection);
      started.put(connection, connection.start());
    }
    long stopBound = settings.stopTimeout().multipliedBy(3).toMillis();
    McpServers servers = new McpServers(connections, List.of(), Map.of(), scheduler, stopBound);
    List<AgentSpec> agents = new ArrayList<>();
    Map<String, AgentAction> actions = new HashMap<>();
    long waitMillis = settings.connectTimeout().plus(settings.stopTimeout()).toMillis();
    for (Map.Entry<McpServerConnection, CompletableFuture<List<McpSchema.Tool>>> entry :
        started.entrySet()) {
      McpServerSpec spec = entry.getKey().spec();
      List<McpSchema.Tool> tools;
      try {
        tools = entry.getValue().get(waitMillis, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        servers.close();
        throw new IllegalStateException("interrupted while connecting MCP servers", e);
      } catch (ExecutionException | TimeoutException e) {
        String why = "MCP server '" + spec.name() + "' did not start: " + McpCalls.describe(e);
        if (spec.required()) {
          servers.close();
          throw new IllegalStateException(why, e);
        }
        log.error("{}; the node starts without its tools (required = false)", why);
        entry.getKey().close();
        continue;
      }
      Map<String, ToolSpec> specs = new LinkedHashMap<>();
      tools.forEach(
          tool ->
              specs.put(
                  spec.capability(tool.name()), McpTools.spec(spec, tool, LatticeJson.mapper())));
      if (specs.isEmpty()) {
        log.warn("MCP server '{}' lists no tools; no agent serves it", spec.name());
        continue;
      }
      String action = McpClientSettings.CAPABILITY_PREFIX + spec.name();
      actions.put(action, new McpToolAction(entry.getKey(), specs, settings.callTimeout(), clock));
      agents.add(
          new AgentSpec(
              "mcp-" + spec.name(), action, specs.keySet(), Set.of(), spec.maxConcurrent(), 0));
      log.info("MCP server '{}' serves {}", spec.name(), specs.keySet());
    }
    return new McpServers(connections, agents, actions, scheduler, stopBound);
  }

  /** One agent per server that lists tools, serving them as capabilities. */
  public List<AgentSpec> agents() {
    return agents;
  }

  /** The actions the agents run, by name ({@code mcp.SERVER}). */
  public Map<String, AgentAction> actions() {
    return actions;
  }

  /** Stops every server; completes when their processes have ended. */
  public CompletableFuture<Void> stop() {
    if (connections.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.allOf(
            connections.stream()
                .map(McpServerConnection::close)
                .toArray(CompletableFuture<?>[]::new))
        .whenComplete((done, failure) -> scheduler.shutdownNow());
  }

  /** Stops every server and waits, bounded by the stop timeouts, until their processes ended. */
  @Override
  public void close() {
    try {
      stop().get(stopBoundMillis + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("MCP servers did not all stop in time: {}", McpCalls.describe(e));
    }
  }
}
