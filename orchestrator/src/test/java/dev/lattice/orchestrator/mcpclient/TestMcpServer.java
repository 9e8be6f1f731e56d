package dev.lattice.orchestrator.mcpclient;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * A small MCP server for tests, run as its own process and spoken to over stdio with the MCP Java
 * SDK's server. Its tools: {@code add} (read-only), {@code echo} (no hints), {@code inspect} (what
 * this process has seen: its pid, its calls, the effect keys in their {@code _meta}), {@code fail}
 * (answers with {@code isError}), {@code crash} (ends the process mid-call), {@code slow} (reports
 * progress while it takes its time), {@code secret} (the length of an environment variable), {@code
 * spare} and {@code retire} (stops offering a tool, and says so).
 */
public final class TestMcpServer {
  /** The variable {@code secret} measures. */
  public static final String SECRET_VARIABLE = "TEST_MCP_SECRET";

  private static final String EFFECT_KEY = "dev.lattice/effectKey";

  private TestMcpServer() {}

  /** The command that starts this server: a JVM with the test's classpath. */
  public static List<String> command() {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1",
        "-cp",
        System.getProperty("java.class.path"),
        TestMcpServer.class.getName());
  }

  public static void main(String[] args) throws InterruptedException {
    // stdout carries the protocol: whatever else would print there (logging) goes to stderr.
    PrintStream protocol = System.out;
    System.setOut(System.err);
    McpJsonMapper json = McpJsonDefaults.getMapper();
    AtomicReference<McpSyncServer> self = new AtomicReference<>();
    McpSyncServer server =
        McpServer.sync(new StdioServerTransportProvider(json, endsWithInput(System.in), protocol))
            .serverInfo("lattice-test", "1")
            .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
            .tools(
                tool(
                    "add",
                    "Adds two numbers.",
                    "{\"type\":\"object\",\"required\":[\"a\",\"b\"],\"properties\":{"
                        + "\"a\":{\"type\":\"number\"},\"b\":{\"type\":\"number\"}}}",
                    true,
                    json,
                    (exchange, request) -> {
                      double a = ((Number) request.arguments().get("a")).doubleValue();
                      double b = ((Number) request.arguments().get("b")).doubleValue();
                      return structured(Map.of("sum", a + b));
                    }),
                tool(
                    "echo",
                    "Returns the text it is given.",
                    "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}",
                    false,
                    json,
                    (exchange, request) ->
                        McpSchema.CallToolResult.builder()
                            .addTextContent(String.valueOf(request.arguments().get("text")))
                            .build()),
                tool(
                    "inspect",
                    "Says what this server has seen.",
                    "{\"type\":\"object\"}",
                    true,
                    json,
                    (exchange, request) -> {
                      Object key = request.meta() == null ? null : request.meta().get(EFFECT_KEY);
                      synchronized (effectKeys) {
                        return structured(
                            Map.of(
                                "pid",
                                ProcessHandle.current().pid(),
                                "calls",
                                calls.get(),
                                "effectKey",
                                String.valueOf(key),
                                "effectKeys",
                                List.copyOf(effectKeys)));
                      }
                    }),
                tool(
                    "fail",
                    "Always fails.",
                    "{\"type\":\"object\"}",
                    false,
                    json,
                    (exchange, request) ->
                        McpSchema.CallToolResult.builder()
                            .addTextContent("it failed on purpose")
                            .isError(true)
                            .build()),
                tool(
                    "secret",
                    "Measures a secret.",
                    "{\"type\":\"object\"}",
                    true,
                    json,
                    (exchange, request) -> {
                      String value = System.getenv(SECRET_VARIABLE);
                      return structured(Map.of("length", value == null ? -1 : value.length()));
                    }),
                tool(
                    "crash",
                    "Ends this process in the middle of the call.",
                    "{\"type\":\"object\"}",
                    false,
                    json,
                    (exchange, request) -> {
                      Runtime.getRuntime().halt(3);
                      return structured(Map.of());
                    }),
                tool(
                    "slow",
                    "Takes ms milliseconds, reporting progress every beatMs (0: never).",
                    "{\"type\":\"object\",\"properties\":{"
                        + "\"ms\":{\"type\":\"integer\"},\"beatMs\":{\"type\":\"integer\"}}}",
                    true,
                    json,
                    (exchange, request) -> {
                      long ms = ((Number) request.arguments().get("ms")).longValue();
                      long beat = ((Number) request.arguments().get("beatMs")).longValue();
                      Object token = request.meta().get("progressToken");
                      long end = System.nanoTime() + ms * 1_000_000;
                      for (int step = 1; System.nanoTime() < end; step++) {
                        sleep(beat > 0 ? Math.min(beat, ms) : ms);
                        if (beat > 0 && token != null) {
                          exchange.progressNotification(
                              new McpSchema.ProgressNotification(token, step, null, "working"));
                        }
                      }
                      return structured(Map.of("done", true));
                    }),
                tool(
                    "spare",
                    "Is there until it is retired.",
                    "{\"type\":\"object\"}",
                    true,
                    json,
                    (exchange, request) -> structured(Map.of("here", true))),
                tool(
                    "retire",
                    "Stops offering a tool.",
                    "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}}}",
                    false,
                    json,
                    (exchange, request) -> {
                      self.get().removeTool(String.valueOf(request.arguments().get("name")));
                      self.get().notifyToolsListChanged();
                      return structured(Map.of("retired", request.arguments().get("name")));
                    }))
            .build();
    self.set(server);
    // The transport reads stdin on threads of its own; this process lives until it is stopped.
    new CountDownLatch(1).await();
  }

  // What every call of this process had, counted where calls arrive.
  private static final AtomicInteger calls = new AtomicInteger();
  private static final List<String> effectKeys = new ArrayList<>();

  /**
   * {@code in}, ending this process when it ends: a client closes a stdio server's input to stop
   * it, and a well-behaved server exits then, also when its client died without stopping it.
   */
  private static InputStream endsWithInput(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        return exitAtEnd(super.read());
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        return exitAtEnd(super.read(buffer, offset, length));
      }

      private int exitAtEnd(int read) {
        if (read < 0) {
          System.exit(0);
        }
        return read;
      }
    };
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static SyncToolSpecification tool(
      String name,
      String description,
      String schema,
      boolean readOnly,
      McpJsonMapper json,
      BiFunction<McpSyncServerExchange, McpSchema.CallToolRequest, McpSchema.CallToolResult>
          handler) {
    McpSchema.Tool.Builder tool =
        McpSchema.Tool.builder().name(name).description(description).inputSchema(json, schema);
    if (readOnly) {
      tool.annotations(McpSchema.ToolAnnotations.builder().readOnlyHint(true).build());
    }
    return SyncToolSpecification.builder()
        .tool(tool.build())
        .callHandler(
            (exchange, request) -> {
              calls.incrementAndGet();
              Object key = request.meta() == null ? null : request.meta().get(EFFECT_KEY);
              synchronized (effectKeys) {
                effectKeys.add(String.valueOf(key));
              }
              return handler.apply(exchange, request);
            })
        .build();
  }

  private static McpSchema.CallToolResult structured(Map<String, Object> content) {
    return McpSchema.CallToolResult.builder().structuredContent(content).build();
  }
}
