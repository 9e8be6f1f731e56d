package dev.lattice.orchestrator.mcpclient;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/**
 * A streamable HTTP MCP server for tests, on loopback and a free port: the SDK's stateless server
 * behind the JDK's HTTP server (the SDK's own HTTP transports need a servlet container). It answers
 * every request with JSON, refuses requests without the expected {@code Authorization} header, and
 * offers {@code multiply}, recording the effect keys its calls carry.
 */
final class TestHttpMcpServer implements AutoCloseable {
  private static final String EFFECT_KEY = "dev.lattice/effectKey";

  private final HttpServer http;
  private final McpStatelessSyncServer server;
  private final McpJsonMapper json = McpJsonDefaults.getMapper();
  private final String authorization;
  private final List<String> effectKeys = new CopyOnWriteArrayList<>();
  private final AtomicInteger refused = new AtomicInteger();
  private volatile McpStatelessServerHandler handler;

  private TestHttpMcpServer(String authorization) throws IOException {
    this.authorization = authorization;
    this.http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/mcp", this::handle);
    McpStatelessServerTransport transport =
        new McpStatelessServerTransport() {
          @Override
          public void setMcpHandler(McpStatelessServerHandler mcpHandler) {
            handler = mcpHandler;
          }

          @Override
          public Mono<Void> closeGracefully() {
            return Mono.empty();
          }
        };
    this.server =
        McpServer.sync(transport)
            .serverInfo("lattice-test-http", "1")
            .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
            .toolCall(
                McpSchema.Tool.builder()
                    .name("multiply")
                    .description("Multiplies two numbers.")
                    .inputSchema(
                        json,
                        "{\"type\":\"object\",\"properties\":{"
                            + "\"a\":{\"type\":\"number\"},\"b\":{\"type\":\"number\"}}}")
                    .annotations(McpSchema.ToolAnnotations.builder().idempotentHint(true).build())
                    .build(),
                (context, request) -> {
                  effectKeys.add(String.valueOf(request.meta().get(EFFECT_KEY)));
                  double a = ((Number) request.arguments().get("a")).doubleValue();
                  double b = ((Number) request.arguments().get("b")).doubleValue();
                  return McpSchema.CallToolResult.builder()
                      .structuredContent(Map.of("product", a * b))
                      .build();
                })
            .build();
    http.start();
  }

  /** Starts a server that takes only requests with {@code authorization} as that header. */
  static TestHttpMcpServer start(String authorization) throws IOException {
    return new TestHttpMcpServer(authorization);
  }

  String url() {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/mcp";
  }

  List<String> effectKeys() {
    return List.copyOf(effectKeys);
  }

  /** Requests refused for their missing or wrong Authorization header. */
  int refused() {
    return refused.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!authorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        refused.incrementAndGet();
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        // No stream of server messages: this server only answers requests.
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      McpSchema.JSONRPCMessage message = McpSchema.deserializeJsonRpcMessage(json, body);
      if (message instanceof McpSchema.JSONRPCRequest request) {
        McpSchema.JSONRPCResponse response =
            handler.handleRequest(McpTransportContext.EMPTY, request).block();
        byte[] answer = json.writeValueAsBytes(response);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
      } else {
        if (message instanceof McpSchema.JSONRPCNotification notification) {
          handler.handleNotification(McpTransportContext.EMPTY, notification).block();
        }
        exchange.sendResponseHeaders(202, -1);
      }
    }
  }

  @Override
  public void close() {
    server.close();
    http.stop(0);
  }
}
