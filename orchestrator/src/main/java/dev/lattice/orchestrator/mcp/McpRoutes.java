package dev.lattice.orchestrator.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.orchestrator.http.auth.Principal;
import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.json.LatticeJson;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.util.ByteString;

/**
 * {@code /mcp}: the Model Context Protocol over its streamable HTTP transport. A client POSTs one
 * JSON-RPC message at a time; a request gets its response as {@code application/json}, a
 * notification or a response a 202 without a body. {@code initialize} opens a session ({@code
 * Mcp-Session-Id}), which every later message names; DELETE ends it. The server never sends
 * requests or notifications of its own, so it offers no event stream: GET answers 405, as the
 * transport allows.
 */
public final class McpRoutes extends AllDirectives {
  /** The header that names a client's session. */
  public static final String SESSION_HEADER = "Mcp-Session-Id";

  /** The header that names the protocol revision a client speaks. */
  public static final String VERSION_HEADER = "MCP-Protocol-Version";

  private final McpMethods methods;
  private final McpSessions sessions;
  private final ObjectMapper reader;
  private final ObjectMapper json = LatticeJson.mapper();
  private final Executor executor;

  /**
   * @param reader reads request bodies, within the API's JSON limits
   */
  public McpRoutes(
      LatticeClient client, ActorSystem<?> system, McpSettings settings, ObjectMapper reader) {
    this.reader = reader;
    this.executor = system.executionContext();
    this.sessions =
        new McpSessions(settings.maxSessions(), settings.sessionIdleTimeout(), Clock.systemUTC());
    ToolCatalog catalog = new ToolCatalog(client, json, executor);
    RunTasks tasks = new RunTasks(json, settings.taskPollInterval());
    RunWaiter waiter = new RunWaiter(client, system);
    ToolCalls calls = new ToolCalls(catalog, tasks, waiter, json, settings.callWait(), executor);
    this.methods = new McpMethods(catalog, calls, tasks, waiter, settings, json, executor);
  }

  /**
   * {@code /mcp} for {@code principal}, calling {@code client} (held to it): its sessions are its
   * own, and its tools run in its tenant with its roles.
   */
  public Route route(Principal principal, LatticeClient client) {
    return path(
        "mcp",
        () ->
            concat(
                post(
                    () ->
                        extractRequest(
                            request ->
                                entity(
                                    Unmarshaller.entityToByteString(),
                                    body ->
                                        completeWithFuture(
                                            post(new Caller(principal, client), request, body))))),
                delete(() -> extractRequest(request -> complete(delete(principal, request))))));
  }

  /** Who is calling, and the client held to it. */
  private record Caller(Principal principal, LatticeClient client) {}

  private CompletionStage<HttpResponse> post(Caller caller, HttpRequest request, ByteString body) {
    if (!request.entity().getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
      return done(
          httpError(
              StatusCodes.UNSUPPORTED_MEDIA_TYPE,
              new McpException(
                  JsonRpc.INVALID_REQUEST,
                  "send each message with Content-Type: application/json")));
    }
    JsonNode message;
    try {
      message = reader.readTree(body.toArray());
    } catch (IOException e) {
      return done(httpError(StatusCodes.BAD_REQUEST, parseError(e)));
    }
    try {
      return handle(caller, request, message);
    } catch (McpException e) {
      return done(httpError(StatusCodes.BAD_REQUEST, e));
    } catch (RuntimeException e) {
      return done(httpError(StatusCodes.INTERNAL_SERVER_ERROR, McpFailures.asMcp(e)));
    }
  }

  private CompletionStage<HttpResponse> handle(
      Caller caller, HttpRequest request, JsonNode message) {
    JsonRpcMessage rpc = JsonRpcMessage.of(message);
    if (rpc.method() == null) {
      // A client's response to a request of ours: this server sends none, so there is nothing to
      // do.
      return done(accepted());
    }
    if ("initialize".equals(rpc.method())) {
      return done(initialize(caller, rpc));
    }
    Optional<String> sessionId = header(request, SESSION_HEADER);
    if (sessionId.isEmpty()) {
      throw new McpException(
          JsonRpc.INVALID_REQUEST,
          "missing " + SESSION_HEADER + " header: send initialize first and name its session");
    }
    Optional<McpSession> session = sessions.find(sessionId.get(), caller.principal().name());
    if (session.isEmpty()) {
      return done(
          httpError(
              StatusCodes.NOT_FOUND,
              new McpException(
                  JsonRpc.SESSION_NOT_FOUND,
                  "no such session (it ended or expired): initialize a new one")));
    }
    header(request, VERSION_HEADER)
        .filter(version -> !McpMethods.PROTOCOL_VERSIONS.contains(version))
        .ifPresent(
            version -> {
              throw new McpException(
                  JsonRpc.INVALID_REQUEST,
                  "unsupported "
                      + VERSION_HEADER
                      + " '"
                      + version
                      + "'; supported: "
                      + McpMethods.PROTOCOL_VERSIONS);
            });
    if (rpc.id() == null) {
      // Notifications (initialized, cancelled, ...) ask for no answer; none changes anything here.
      return done(accepted());
    }
    return respond(caller, session.get(), rpc);
  }

  private HttpResponse initialize(Caller caller, JsonRpcMessage rpc) {
    if (rpc.id() == null) {
      throw new McpException(JsonRpc.INVALID_REQUEST, "initialize must be a request with an id");
    }
    JsonNode requested = rpc.params() == null ? null : rpc.params().get("protocolVersion");
    String version =
        McpMethods.negotiate(
            requested == null || !requested.isTextual() ? null : requested.asText());
    McpSession session = sessions.open(version, caller.principal().name());
    return ok(JsonRpc.result(json, rpc.id(), methods.initialize(version)))
        .addHeader(RawHeader.create(SESSION_HEADER, session.id()));
  }

  private CompletionStage<HttpResponse> respond(
      Caller caller, McpSession session, JsonRpcMessage rpc) {
    CompletionStage<JsonNode> result;
    try {
      result = methods.request(caller.client(), session, rpc.method(), rpc.id(), rpc.params());
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result.handleAsync(
        (value, failure) ->
            ok(
                failure == null
                    ? JsonRpc.result(json, rpc.id(), value)
                    : JsonRpc.error(json, rpc.id(), McpFailures.asMcp(failure))),
        executor);
  }

  private HttpResponse delete(Principal principal, HttpRequest request) {
    Optional<String> sessionId = header(request, SESSION_HEADER);
    if (sessionId.isEmpty()) {
      return httpError(
          StatusCodes.BAD_REQUEST,
          new McpException(JsonRpc.INVALID_REQUEST, "missing " + SESSION_HEADER + " header"));
    }
    return sessions.close(sessionId.get(), principal.name())
        ? HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)
        : httpError(
            StatusCodes.NOT_FOUND, new McpException(JsonRpc.SESSION_NOT_FOUND, "no such session"));
  }

  private static McpException parseError(IOException e) {
    String detail =
        e instanceof JsonProcessingException parse ? parse.getOriginalMessage() : e.getMessage();
    return new McpException(
        JsonRpc.PARSE_ERROR, "the body is not valid JSON: " + firstLine(detail));
  }

  private static Optional<String> header(HttpRequest request, String name) {
    return request.getHeader(name).map(h -> h.value());
  }

  private static HttpResponse accepted() {
    return HttpResponse.create().withStatus(StatusCodes.ACCEPTED);
  }

  private HttpResponse ok(JsonNode body) {
    return HttpResponse.create()
        .withStatus(StatusCodes.OK)
        .withEntity(ContentTypes.APPLICATION_JSON, bytes(body));
  }

  /** A message the transport refuses: an HTTP error with a JSON-RPC error without an id. */
  private HttpResponse httpError(StatusCode status, McpException e) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(ContentTypes.APPLICATION_JSON, bytes(JsonRpc.error(json, null, e)));
  }

  private byte[] bytes(JsonNode body) {
    try {
      return json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an MCP message", e);
    }
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
