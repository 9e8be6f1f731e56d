package dev.lattice.modelserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What the tests call the server with: a real HTTP client, and an SSE reader as a client has. */
final class ModelClient {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  /** One Server-Sent Event as read off the wire. */
  record Event(String name, String data) {
    JsonNode json() {
      try {
        return JSON.readTree(data);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final URI base;

  ModelClient(ScriptedModelServer server) {
    this.base = server.baseUrl();
  }

  static String openAiBody(String model, String userMessage, boolean stream) {
    return """
        {"model": "%s", "messages": [
          {"role": "system", "content": "You are terse."},
          {"role": "user", "content": "%s"}],
         "max_tokens": 100, "temperature": 0.2, "stream": %s,
         "stream_options": {"include_usage": true}}
        """
        .formatted(model, userMessage, stream);
  }

  static String anthropicBody(String model, String userMessage, boolean stream) {
    return """
        {"model": "%s", "system": "You are terse", "max_tokens": 100, "stream": %s,
         "messages": [{"role": "user", "content": [{"type": "text", "text": "%s"}]}]}
        """
        .formatted(model, stream, userMessage);
  }

  HttpRequest.Builder openAi(String body) {
    return post("/v1/chat/completions", body);
  }

  HttpRequest.Builder anthropic(String body) {
    return post("/v1/messages", body).header("anthropic-version", "2023-06-01");
  }

  HttpRequest.Builder post(String path, String body) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET();
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<InputStream> open(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  /**
   * What a client read of a stream.
   *
   * @param events the events complete before the stream ended
   * @param failure how the stream broke; null when it ended cleanly
   */
  record Read(List<Event> events, IOException failure) {}

  /** Reads events until the stream ends; an abort surfaces as the IOException a client gets. */
  static List<Event> events(InputStream body) throws IOException {
    Read read = read(body);
    if (read.failure() != null) {
      throw read.failure();
    }
    return read.events();
  }

  /** Reads events until the stream ends or breaks. */
  static Read read(InputStream body) {
    List<Event> events = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String name = null;
      StringBuilder data = new StringBuilder();
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isEmpty()) {
          if (data.length() > 0) {
            events.add(new Event(name, data.toString()));
          }
          name = null;
          data.setLength(0);
        } else if (line.startsWith("event:")) {
          name = line.substring("event:".length()).trim();
        } else if (line.startsWith("data:")) {
          data.append(line.substring("data:".length()).trim());
        }
      }
    } catch (IOException e) {
      return new Read(events, e);
    }
    return new Read(events, null);
  }
}
