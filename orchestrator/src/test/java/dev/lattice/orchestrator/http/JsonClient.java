package dev.lattice.orchestrator.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.json.LatticeJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A test client of a node's API over real HTTP: whole answers, read as text and JSON. */
final class JsonClient {
  private final HttpClient http = HttpClient.newHttpClient();
  private final String baseUrl;
  private final Duration timeout;

  JsonClient(String baseUrl, Duration timeout) {
    this.baseUrl = baseUrl;
    this.timeout = timeout;
  }

  /** An answer: its status, the headers tests look at, and its body. */
  record Response(int status, String contentType, String location, String body) {
    JsonNode json() {
      return parse(body);
    }
  }

  /** A JSON request to {@code path}, to add headers and a method to. */
  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(timeout)
        .header("Content-Type", "application/json");
  }

  Response post(String path, String body) {
    return send(request(path).POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  Response get(String path) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout).GET().build());
  }

  Response send(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          response.headers().firstValue("Location").orElse(null),
          response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode parse(String text) {
    try {
      return LatticeJson.mapper().readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
