package dev.lattice.modelserver;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.http.ConnectionServer;
import dev.lattice.modelserver.http.ModelEndpoints;
import dev.lattice.modelserver.http.RequestLog;
import dev.lattice.modelserver.script.Script;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.Materializer;

/**
 * A real HTTP server that speaks the OpenAI Chat Completions and Anthropic Messages protocols and
 * answers from a {@link Script}: how tests exercise a real model client without a network, and what
 * {@code lattice model-server} runs.
 *
 * <pre>{@code
 * try (ScriptedModelServer server = ScriptedModelServer.start(Script.of(ScriptEntry.text("hi")))) {
 *   URI chat = server.baseUrl().resolve("/v1/chat/completions");
 *   ...
 *   assertThat(server.requests()).hasSize(1);
 * }
 * }</pre>
 */
public final class ScriptedModelServer implements AutoCloseable {

  private final ConnectionServer connections;
  private final RequestLog requests;
  private final ModelServerSettings settings;
  private final Optional<ActorSystem> ownSystem;

  private ScriptedModelServer(
      ConnectionServer connections,
      RequestLog requests,
      ModelServerSettings settings,
      Optional<ActorSystem> ownSystem) {
    this.connections = connections;
    this.requests = requests;
    this.settings = settings;
    this.ownSystem = ownSystem;
  }

  /** Starts a server for {@code script} on 127.0.0.1 and a free port, with its own actor system. */
  public static ScriptedModelServer start(Script script) {
    return start(script, ModelServerSettings.loopback());
  }

  /** Starts a server for {@code script} as {@code settings} say, with its own actor system. */
  public static ScriptedModelServer start(Script script, ModelServerSettings settings) {
    ActorSystem system = ActorSystem.create("model-server", systemConfig());
    try {
      return start(script, settings, system, Optional.of(system));
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    }
  }

  /**
   * Starts a server for {@code script} on the caller's actor system, which {@link #close()} leaves
   * running.
   */
  public static ScriptedModelServer start(
      Script script, ModelServerSettings settings, ActorSystem system) {
    return start(script, settings, system, Optional.empty());
  }

  private static ScriptedModelServer start(
      Script script, ModelServerSettings settings, ActorSystem system, Optional<ActorSystem> own) {
    RequestLog requests = new RequestLog(settings.maxRecordedRequests());
    ModelEndpoints endpoints =
        new ModelEndpoints(script, settings, requests, Materializer.matFromSystem(system));
    ConnectionServer connections =
        await(
            ConnectionServer.bind(system, settings.host(), settings.port(), endpoints)
                .toCompletableFuture(),
            settings.bindTimeout(),
            "bind " + settings.host() + ":" + settings.port());
    return new ScriptedModelServer(connections, requests, settings, own);
  }

  /**
   * Logs through slf4j, quietly: only what goes wrong; schedules at {@code
   * lattice.model-server.scheduler-tick}, so that pauses of a few milliseconds between tokens are
   * kept.
   */
  private static Config systemConfig() {
    Config loaded = ConfigFactory.load();
    return ConfigFactory.parseString(
            "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]\n"
                + "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"\n"
                + "pekko.loglevel = WARNING\n"
                + "pekko.stdout-loglevel = OFF\n")
        .withFallback(
            ConfigFactory.parseMap(
                Map.of(
                    "pekko.scheduler.tick-duration",
                    loaded.getDuration("lattice.model-server.scheduler-tick").toMillis() + "ms")))
        .withFallback(loaded);
  }

  /** Where the server listens, e.g. {@code http://127.0.0.1:41234}. */
  public URI baseUrl() {
    InetSocketAddress address = connections.address();
    return URI.create("http://" + address.getHostString() + ":" + address.getPort());
  }

  public int port() {
    return connections.address().getPort();
  }

  /** The requests received so far, oldest first, credentials redacted. */
  public List<RecordedRequest> requests() {
    return requests.all();
  }

  /** The answers sent to their end so far, oldest first: a fault's cut answer is not one. */
  public List<ServedAnswer> answers() {
    return requests.answers();
  }

  /**
   * Stops listening, closes every connection and, if it started its own, stops the actor system.
   */
  @Override
  public void close() {
    await(
        connections.close().toCompletableFuture(),
        settings.shutdownTimeout(),
        "close its connections");
    ownSystem.ifPresent(
        system -> {
          system.terminate();
          await(
              system.getWhenTerminated().toCompletableFuture(), settings.shutdownTimeout(), "stop");
        });
  }

  private static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to " + what, e);
    } catch (ExecutionException | CompletionException e) {
      throw new IllegalStateException("the model server could not " + what, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("the model server did not " + what + " in time", e);
    }
  }
}
