package dev.lattice.worker.mcp;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.secret.SecretResolver;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The connection to one MCP server: up (a client and the tools it lists), down (its process died,
 * and a restart is due after a backoff that doubles while restarts fail), or closed.
 *
 * <p>Not an actor: its whole state is one reference swapped atomically, read by the calls of its
 * agent's actions and written by the process's exit and the restarts, which run one after another
 * on the scheduler. While it is down, calls fail at once with {@code agent_error}, so the agent's
 * circuit breaker opens instead of attempts waiting out their timeouts on a dead process. An HTTP
 * server has no process to watch: its calls fail as its answers do, and the SDK starts a new
 * session when the server has forgotten the old one.
 */
final class McpServerConnection {
  private static final Logger log = LoggerFactory.getLogger(McpServerConnection.class);

  /** The {@code _meta} key under which MCP asks for progress notifications on a request. */
  private static final String PROGRESS_TOKEN = "progressToken";

  private static final McpSchema.Implementation CLIENT_INFO =
      new McpSchema.Implementation("lattice", "Lattice", "1");

  /** What the connection is now. */
  sealed interface State {}

  /** Connected: calls go to {@code client}; {@code tools} follows the server's list. */
  record Up(
      McpAsyncClient client,
      ProcessTransport process,
      AtomicReference<Map<String, McpSchema.Tool>> tools)
      implements State {}

  /** Not connected, for {@code reason}. */
  record Down(String reason) implements State {}

  /** Stopped for good with the node. */
  record Closed() implements State {}

  private final McpServerSpec spec;
  private final SecretResolver secrets;
  private final McpClientSettings settings;
  private final McpJsonMapper json;
  private final ScheduledExecutorService scheduler;
  // Continuations run on the scheduler, or where they complete once it has shut down with the
  // node, so that a connection finishing then is still closed.
  private final Executor continuations;
  // What to run when the server reports progress on a call, by the call's progress token.
  private final Map<String, Runnable> progress = new ConcurrentHashMap<>();
  private final AtomicReference<State> state = new AtomicReference<>(new Down("not connected yet"));

  McpServerConnection(
      McpServerSpec spec,
      SecretResolver secrets,
      McpClientSettings settings,
      McpJsonMapper json,
      ScheduledExecutorService scheduler) {
    this.spec = spec;
    this.secrets = secrets;
    this.settings = settings;
    this.json = json;
    this.scheduler = scheduler;
    this.continuations =
        task -> {
          try {
            scheduler.execute(task);
          } catch (RejectedExecutionException stopped) {
            task.run();
          }
        };
  }

  McpServerSpec spec() {
    return spec;
  }

  /** Connects for the first time; completes with the tools the server lists. */
  CompletableFuture<List<McpSchema.Tool>> start() {
    return connect()
        .thenApplyAsync(
            up -> {
              if (!(state.get() instanceof Down down) || !state.compareAndSet(down, up)) {
                closeClient(up);
                throw new IllegalStateException("the node stopped while it started");
              }
              watch(up);
              return List.copyOf(up.tools().get().values());
            },
            continuations);
  }

  /**
   * Calls {@code tool}, bounded by {@code timeout}; every progress notification the server sends
   * about the call runs {@code onProgress}.
   *
   * @throws ActionException with {@code agent_error} while the server is down, with {@code
   *     invalid_input} when it no longer lists the tool
   */
  CompletableFuture<McpSchema.CallToolResult> call(
      String tool,
      Map<String, Object> arguments,
      Map<String, Object> meta,
      Duration timeout,
      Runnable onProgress) {
    State current = state.get();
    if (!(current instanceof Up up)) {
      String why = current instanceof Down down ? down.reason() : "the node is stopping";
      throw new ActionException(
          ErrorClass.AGENT_ERROR, "MCP server '" + spec.name() + "' is not available: " + why);
    }
    if (!up.tools().get().containsKey(tool)) {
      throw new ActionException(
          ErrorClass.INVALID_INPUT,
          "MCP server '" + spec.name() + "' no longer offers the tool '" + tool + "'");
    }
    String token = UUID.randomUUID().toString();
    Map<String, Object> withToken = new HashMap<>(meta);
    withToken.put(PROGRESS_TOKEN, token);
    progress.put(token, onProgress);
    return up.client()
        .callTool(new McpSchema.CallToolRequest(tool, arguments, withToken))
        .timeout(timeout)
        .doFinally(signal -> progress.remove(token))
        .toFuture();
  }

  /** Stops the server for good; completes when its process has ended. */
  CompletableFuture<Void> close() {
    State previous = state.getAndSet(new Closed());
    return previous instanceof Up up ? closeClient(up) : CompletableFuture.completedFuture(null);
  }

  private CompletableFuture<Up> connect() {
    try {
      return connectClient();
    } catch (RuntimeException e) {
      // A connection that cannot even be set up fails like one that does not answer.
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<Up> connectClient() {
    // Secret references in env and headers are resolved for each connection, never kept.
    McpServerSpec live = spec.resolved(secrets);
    McpClientTransport transport =
        live.stdio() ? new ProcessTransport(live, settings, json) : httpTransport(live);
    ProcessTransport process = transport instanceof ProcessTransport p ? p : null;
    AtomicReference<Map<String, McpSchema.Tool>> tools = new AtomicReference<>(Map.of());
    McpAsyncClient client =
        McpClient.async(transport)
            .clientInfo(CLIENT_INFO)
            .requestTimeout(settings.callTimeout())
            .initializationTimeout(settings.connectTimeout())
            .toolsChangeConsumer(
                listed -> {
                  tools.set(byName(listed));
                  return Mono.empty();
                })
            .progressConsumer(
                notification -> {
                  Runnable listener = progress.get(String.valueOf(notification.progressToken()));
                  if (listener != null) {
                    listener.run();
                  }
                  return Mono.empty();
                })
            .build();
    Up up = new Up(client, process, tools);
    return client
        .initialize()
        .then(client.listTools())
        .timeout(settings.connectTimeout())
        .toFuture()
        .handleAsync(
            (listed, failure) -> {
              if (failure != null) {
                closeClient(up);
                throw new CompletionException(
                    new IllegalStateException(
                        "cannot connect to MCP server '"
                            + spec.name()
                            + "': "
                            + McpCalls.describe(failure),
                        failure));
              }
              tools.set(byName(listed.tools()));
              return up;
            },
            continuations);
  }

  private HttpClientStreamableHttpTransport httpTransport(McpServerSpec live) {
    URI url = live.url();
    HttpRequest.Builder request = HttpRequest.newBuilder();
    live.headers().forEach(request::header);
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    return HttpClientStreamableHttpTransport.builder(
            url.getScheme() + "://" + url.getRawAuthority())
        .endpoint(url.getRawQuery() == null ? path : path + "?" + url.getRawQuery())
        .requestBuilder(request)
        .connectTimeout(settings.connectTimeout())
        .jsonMapper(json)
        .build();
  }

  /** Restarts the server when its process ends while it is up. */
  private void watch(Up up) {
    if (up.process() != null) {
      up.process().exited().thenAcceptAsync(code -> died(up, code), continuations);
    }
  }

  private void died(Up up, int code) {
    Down down = new Down("its process exited with code " + code + "; it is being restarted");
    if (!state.compareAndSet(up, down)) {
      return;
    }
    log.warn(
        "MCP server '{}' exited with code {}; restarting it in {}",
        spec.name(),
        code,
        settings.restartMinBackoff());
    // Calls in flight fail now instead of at their timeouts.
    up.client().close();
    restartAfter(settings.restartMinBackoff());
  }

  private void restartAfter(Duration wait) {
    try {
      scheduler.schedule(() -> restart(wait), wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopped) {
      // The node stopped: no more restarts.
    }
  }

  private void restart(Duration waited) {
    if (!(state.get() instanceof Down)) {
      return;
    }
    connect()
        .whenCompleteAsync(
            (up, failure) -> {
              State current = state.get();
              if (failure != null) {
                Duration next = settings.nextBackoff(waited);
                if (current instanceof Down
                    && state.compareAndSet(
                        current, new Down("restarting it failed; next try in " + next))) {
                  log.warn(
                      "MCP server '{}' did not restart ({}); next try in {}",
                      spec.name(),
                      McpCalls.describe(failure),
                      next);
                  restartAfter(next);
                }
              } else if (current instanceof Down && state.compareAndSet(current, up)) {
                log.info("MCP server '{}' restarted", spec.name());
                watch(up);
              } else {
                closeClient(up);
              }
            },
            continuations);
  }

  private CompletableFuture<Void> closeClient(Up up) {
    // Closing the client closes its transport, which stops the process (stdin, TERM, KILL).
    long bound = settings.stopTimeout().multipliedBy(3).toMillis();
    return up.client()
        .closeGracefully()
        .toFuture()
        .thenApply(done -> (Void) null)
        .exceptionally(failure -> null)
        .thenCompose(
            done ->
                up.process() == null
                    ? CompletableFuture.<Void>completedFuture(null)
                    : up.process().stop())
        .completeOnTimeout(null, bound, TimeUnit.MILLISECONDS);
  }

  private static Map<String, McpSchema.Tool> byName(List<McpSchema.Tool> tools) {
    Map<String, McpSchema.Tool> byName = new LinkedHashMap<>();
    tools.forEach(tool -> byName.put(tool.name(), tool));
    return Map.copyOf(byName);
  }
}
