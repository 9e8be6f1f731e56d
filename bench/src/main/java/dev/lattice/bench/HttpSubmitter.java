package dev.lattice.bench;

import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Starts runs through a node's HTTP API ({@code POST /api/v1/execute}), as a client program does,
 * with an API key when one is given: what the API's own work (routing, authentication, limits,
 * JSON) adds to a run is then part of the figures.
 */
final class HttpSubmitter {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient http = HttpClient.newHttpClient();
  private final URI execute;
  private final String apiKey;

  /**
   * @param api the API's base URL
   * @param apiKey the key sent as {@code Authorization: Bearer}, or null for none
   */
  HttpSubmitter(String api, String apiKey) {
    this.execute = URI.create(api + "/api/v1/execute");
    this.apiKey = apiKey;
  }

  /** Starts a run of {@code request}; its id once the API accepted it. */
  CompletionStage<RunId> execute(ExecuteRequest request) {
    HttpRequest.Builder post =
        HttpRequest.newBuilder(execute)
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json(request)));
    if (apiKey != null) {
      post.header("Authorization", "Bearer " + apiKey);
    }
    return http.sendAsync(post.build(), HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(HttpSubmitter::runId);
  }

  private static byte[] json(ExecuteRequest request) {
    try {
      return LatticeJson.mapper().writeValueAsBytes(request);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static RunId runId(HttpResponse<byte[]> response) {
    if (response.statusCode() != 202) {
      throw new IllegalStateException(
          "the API answered " + response.statusCode() + ": " + new String(response.body()));
    }
    try {
      return RunId.of(LatticeJson.mapper().readTree(response.body()).get("runId").asText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
