package dev.lattice.worker.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * MCP over the stdin and stdout of a child process, one JSON-RPC message per line.
 *
 * <p>The SDK's own stdio transport keeps its process to itself, so a server that dies is noticed
 * only when calls time out, and it lets the server inherit the node's whole environment. This one
 * exposes the process's exit ({@link #exited()}) so calls fail at once and a restart can begin,
 * gives the server only the variables it is configured with (a journal password or an API key of
 * the node stays in the node), runs it in its working directory, and stops it with the processes it
 * started.
 */
final class ProcessTransport implements McpClientTransport {
  private static final Logger log = LoggerFactory.getLogger(ProcessTransport.class);

  private final McpServerSpec spec;
  private final McpClientSettings settings;
  private final McpJsonMapper json;
  // Writes go out one at a time, on a thread of their own: a full pipe must not block a caller.
  private final Scheduler writer;
  private final CompletableFuture<Integer> exited = new CompletableFuture<>();
  // The client sends its first message as it connects, maybe before the process has started.
  private final CompletableFuture<Process> started = new CompletableFuture<>();
  private volatile Process process;
  private volatile boolean stopping;

  ProcessTransport(McpServerSpec spec, McpClientSettings settings, McpJsonMapper json) {
    this.spec = spec;
    this.settings = settings;
    this.json = json;
    this.writer = Schedulers.newSingle("lattice-mcp-" + spec.name() + "-out", true);
  }

  /** Completes with the exit code once the process has ended, for whatever reason. */
  CompletableFuture<Integer> exited() {
    return exited;
  }

  @Override
  public Mono<Void> connect(
      Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
    return Mono.<Void>fromRunnable(() -> start(handler)).subscribeOn(Schedulers.boundedElastic());
  }

  private void start(
      Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
    ProcessBuilder builder = new ProcessBuilder(spec.command());
    if (spec.workingDirectory() != null) {
      builder.directory(spec.workingDirectory().toFile());
    }
    Map<String, String> environment = builder.environment();
    environment.clear();
    for (String name : settings.passEnvironment()) {
      String value = System.getenv(name);
      if (value != null) {
        environment.put(name, value);
      }
    }
    environment.putAll(spec.env());
    try {
      // Under the lock stop() takes: a transport stopped while it connects starts no process.
      synchronized (this) {
        if (stopping) {
          throw new IllegalStateException("MCP server '" + spec.name() + "' was stopped");
        }
        process = builder.start();
      }
    } catch (IOException e) {
      IllegalStateException failure =
          new IllegalStateException(
              "cannot start MCP server '" + spec.name() + "' (" + spec.command().get(0) + ")", e);
      started.completeExceptionally(failure);
      exited.complete(-1);
      throw failure;
    }
    started.complete(process);
    process.onExit().thenAccept(p -> exited.complete(p.exitValue()));
    daemon("in", () -> readMessages(process.getInputStream(), handler));
    daemon("err", () -> readErrors(process.getErrorStream()));
  }

  private void daemon(String stream, Runnable body) {
    Thread thread = new Thread(body, "lattice-mcp-" + spec.name() + "-" + stream);
    thread.setDaemon(true);
    thread.start();
  }

  private void readMessages(
      InputStream in,
      Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = BoundedLines.read(reader, settings.maxMessageChars())) != null) {
        if (line.isBlank()) {
          continue;
        }
        McpSchema.JSONRPCMessage message;
        try {
          message = McpSchema.deserializeJsonRpcMessage(json, line);
        } catch (IOException | IllegalArgumentException e) {
          // A server that prints something else on stdout breaks nothing but that line.
          log.warn("MCP server '{}' wrote a line that is not JSON-RPC; ignored", spec.name());
          continue;
        }
        handler
            .apply(Mono.just(message))
            .subscribe(
                ignored -> {},
                e -> log.warn("MCP server '{}': a message failed: {}", spec.name(), e.toString()));
      }
    } catch (IOException e) {
      if (!stopping) {
        // Nothing more can be read from it, so no call would ever be answered: end it, and
        // its exit restarts it.
        log.warn(
            "MCP server '{}': reading its output failed ({}); stopping it",
            spec.name(),
            e.getMessage());
        process.destroyForcibly();
      }
    }
  }

  private void readErrors(InputStream err) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
      String line;
      while ((line = BoundedLines.read(reader, settings.maxMessageChars())) != null) {
        // The server's own diagnostics; at debug, since what a server prints is up to it.
        log.debug("MCP server '{}' stderr: {}", spec.name(), line);
      }
    } catch (IOException e) {
      // The process ended; so did its stderr.
    }
  }

  @Override
  public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
    return Mono.fromFuture(started.copy())
        .publishOn(writer)
        .doOnNext(running -> write(running, message))
        .then();
  }

  private void write(Process running, McpSchema.JSONRPCMessage message) {
    if (!running.isAlive()) {
      throw new IllegalStateException("MCP server '" + spec.name() + "' is not running");
    }
    try {
      // One message a line: a newline inside the JSON would split it.
      String line = json.writeValueAsString(message).replace("\n", "\\n");
      OutputStream out = running.getOutputStream();
      out.write(line.getBytes(StandardCharsets.UTF_8));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      throw new IllegalStateException(
          "MCP server '" + spec.name() + "' does not take input: " + e.getMessage(), e);
    }
  }

  @Override
  public Mono<Void> closeGracefully() {
    return Mono.fromFuture(stop());
  }

  /**
   * Stops the process: closing its stdin asks it to end, as MCP says; one that is still running
   * after the stop timeout is terminated, and after another timeout killed, together with the
   * processes it started (a server run through npx or uvx is a tree).
   */
  CompletableFuture<Void> stop() {
    Process running;
    synchronized (this) {
      stopping = true;
      running = process;
    }
    if (running == null) {
      started.completeExceptionally(new IllegalStateException("stopped before it started"));
      writer.dispose();
      return CompletableFuture.completedFuture(null);
    }
    List<ProcessHandle> family = running.descendants().toList();
    try {
      running.getOutputStream().close();
    } catch (IOException e) {
      // Already closed by the process's end: nothing to ask.
    }
    long timeout = settings.stopTimeout().toMillis();
    return running
        .onExit()
        .completeOnTimeout(running, timeout, TimeUnit.MILLISECONDS)
        .thenCompose(
            p -> {
              if (!p.isAlive()) {
                return CompletableFuture.completedFuture(p);
              }
              family.forEach(ProcessHandle::destroy);
              p.destroy();
              return p.onExit().completeOnTimeout(p, timeout, TimeUnit.MILLISECONDS);
            })
        .thenCompose(
            p -> {
              family.stream()
                  .filter(ProcessHandle::isAlive)
                  .forEach(ProcessHandle::destroyForcibly);
              if (!p.isAlive()) {
                return CompletableFuture.completedFuture(p);
              }
              p.destroyForcibly();
              return p.onExit();
            })
        .handle(
            (p, failure) -> {
              writer.dispose();
              return null;
            });
  }

  @Override
  public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
    return json.convertValue(data, typeRef);
  }
}
