package dev.lattice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.http.HttpApi;
import dev.lattice.orchestrator.http.HttpSettings;
import dev.lattice.orchestrator.http.auth.AdminKeyFile;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/** A Server-Sent Events follower of one run, as a browser or a CLI would open it. */
final class SseFollower {
  private static final ObjectMapper MAPPER = LatticeJson.mapper();
  private static final String DATA = "data:";

  private SseFollower() {}

  /** {@code count} daemon threads for a bench's HTTP client, named {@code prefix}N. */
  static ExecutorService clientThreads(String prefix, int count) {
    return Executors.newFixedThreadPool(
        count,
        task -> {
          Thread thread = new Thread(task, prefix + task.hashCode());
          thread.setDaemon(true);
          return thread;
        });
  }

  /**
   * A bench node's configuration: its API authenticates every follower and submitter, all with one
   * key, so one principal holds every stream and may hold as many as the bench opens, and its
   * request rates are far above what a bench asks (the buckets are still consulted).
   */
  static final Config CONFIG =
      ConfigFactory.parseString(
          "lattice.http.auth.max-streams-per-principal = 0\n"
              + "lattice.http.rate-limits.per-key { per-second = 1000000, burst = 1000000 }\n"
              + "lattice.http.rate-limits.per-tenant { per-second = 1000000, burst = 1000000 }");

  /** A node's API as the bench calls it: its base URL and the key it sends. */
  record Api(String url, String key) {}

  /**
   * Starts the node's HTTP API on loopback and a free port; returns its base URL and the admin key
   * its first start wrote to the data directory (null when authentication is off).
   */
  static Api serve(Lattice node) {
    HttpApi.Server server =
        HttpApi.start(
            node,
            HttpSettings.create(node.system().settings().config()).withAddress("127.0.0.1", 0));
    return new Api(server.url(), AdminKeyFile.read(server.auth().adminKeyFile()).orElse(null));
  }

  /** A request to {@code path} of {@code api}, with its key. */
  static HttpRequest.Builder request(Api api, String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.url() + path));
    return api.key() == null ? request : request.header("Authorization", "Bearer " + api.key());
  }

  /**
   * Opens a follower of {@code runId} on the node at {@code url} that hands each event's JSON to
   * {@code onEvent}, on the HTTP client's threads; cancel the subscription to leave.
   */
  static Flow.Subscription follow(
      HttpClient http, Api url, RunId runId, Consumer<JsonNode> onEvent) {
    CompletableFuture<Flow.Subscription> subscribed = new CompletableFuture<>();
    Flow.Subscriber<String> lines =
        new Flow.Subscriber<>() {
          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
            subscribed.complete(subscription);
          }

          @Override
          public void onNext(String line) {
            if (line.startsWith(DATA) && line.length() > DATA.length()) {
              try {
                onEvent.accept(MAPPER.readTree(line.substring(DATA.length())));
              } catch (IOException | RuntimeException e) {
                // The HTTP client would swallow it: say it, the run's wait then times out.
                System.err.println("follower failed on " + line + ": " + e);
              }
            }
          }

          @Override
          public void onError(Throwable throwable) {
            subscribed.completeExceptionally(throwable);
          }

          @Override
          public void onComplete() {}
        };
    HttpRequest request =
        request(url, "/api/v1/runs/" + runId.value() + "/events")
            .header("Accept", "text/event-stream")
            .build();
    http.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(lines));
    return subscribed.join();
  }
}
