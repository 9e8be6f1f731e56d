package dev.lattice.orchestrator.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.orchestrator.testing.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A raw JSON-RPC client of {@code /mcp} over the JDK's HTTP client, for what the SDK's client does
 * not do (tasks) or does not let a test do (bad requests).
 */
final class McpHttp {
  static final String TASKS = "io.modelcontextprotocol/tasks";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final URI endpoint;
  private final AtomicLong ids = new AtomicLong();
  private String session;

  McpHttp(String baseUrl) {
    this.endpoint = URI.create(baseUrl + "/mcp");
  }

  /** Initializes a session; answers the initialize result. */
  JsonNode initialize() {
    ObjectNode params = json.createObjectNode().put("protocolVersion", "2025-11-25");
    params.putObject("capabilities");
    params.putObject("clientInfo").put("name", "test").put("version", "1");
    HttpResponse<String> response = send(request("initialize", params, nextId()), null);
    session = response.headers().firstValue(McpRoutes.SESSION_HEADER).orElseThrow();
    send(notification("notifications/initialized"), session);
    return read(response.body()).get("result");
  }

  String session() {
    return session;
  }

  /** The whole response to {@code method} called with {@code params} in this session. */
  JsonNode call(String method, JsonNode params) {
    return call(method, params, nextId());
  }

  JsonNode call(String method, JsonNode params, long id) {
    return read(send(request(method, params, id), session).body());
  }

  /** The result of a successful call; fails the test on an error. */
  JsonNode result(String method, JsonNode params) {
    JsonNode response = call(method, params);
    if (response.has("error")) {
      throw new AssertionError(method + " failed: " + response.get("error"));
    }
    return response.get("result");
  }

  /** {@code tools/call} params for {@code tool} with {@code arguments}, as a task when asked. */
  ObjectNode toolCall(String tool, JsonNode arguments, boolean asTask) {
    ObjectNode params = json.createObjectNode().put("name", tool);
    params.set("arguments", arguments);
    if (asTask) {
      params
          .putObject("_meta")
          .putObject("io.modelcontextprotocol/clientCapabilities")
          .putObject("extensions")
          .putObject(TASKS);
    }
    return params;
  }

  /** The task once {@code tasks/get} shows {@code status}, within {@code deadline}. */
  JsonNode pollUntil(String taskId, String status, Duration deadline) {
    AtomicReference<JsonNode> last = new AtomicReference<>();
    try {
      Await.until(
          () -> {
            last.set(result("tasks/get", taskId(taskId)));
            return status.equals(last.get().get("status").asText());
          },
          deadline);
    } catch (AssertionError e) {
      throw new AssertionError("task " + taskId + " never became " + status + ": " + last.get(), e);
    }
    return last.get();
  }

  ObjectMapper json() {
    return json;
  }

  ObjectNode taskId(String taskId) {
    return json.createObjectNode().put("taskId", taskId);
  }

  ObjectNode object(String text) {
    try {
      return (ObjectNode) json.readTree(text.replace('\'', '"'));
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  ObjectNode request(String method, JsonNode params, long id) {
    ObjectNode request = json.createObjectNode().put("jsonrpc", "2.0").put("id", id);
    request.put("method", method);
    request.set("params", params);
    return request;
  }

  private ObjectNode notification(String method) {
    return json.createObjectNode().put("jsonrpc", "2.0").put("method", method);
  }

  long nextId() {
    return ids.incrementAndGet();
  }

  HttpResponse<String> send(JsonNode message, String sessionId) {
    return post(message.toString(), "application/json", sessionId);
  }

  /** A POST of {@code body} as it is, with the headers a streamable HTTP client sends. */
  HttpResponse<String> post(String body, String contentType, String sessionId) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(TIMEOUT)
            .header("Content-Type", contentType)
            .header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (sessionId != null) {
      request.header(McpRoutes.SESSION_HEADER, sessionId);
    }
    return exchange(request.build());
  }

  HttpResponse<String> exchange(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  URI endpoint() {
    return endpoint;
  }

  JsonNode read(String body) {
    try {
      return json.readTree(body);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + body, e);
    }
  }
}
