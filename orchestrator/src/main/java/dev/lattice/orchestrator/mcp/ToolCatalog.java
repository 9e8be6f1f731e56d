package dev.lattice.orchestrator.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.api.IntentView;
import dev.lattice.worker.action.JsonSchemaCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The tools this server offers: every intent of the node (its arguments are the payload), and
 * built-in tools to run an explicit plan, achieve a goal, send a run a signal and read a run.
 * Intents are read from the node on every listing, so templates added to the node show up.
 */
final class ToolCatalog {
  static final String RUN_PLAN = "lattice.run_plan";
  static final String ACHIEVE_GOAL = "lattice.achieve_goal";
  static final String SIGNAL = "lattice.signal";
  static final String GET_RUN = "lattice.get_run";

  /** Arguments of an intent without a payload schema: any object. */
  private static final String ANY_OBJECT = "{\"type\":\"object\"}";

  private static final String BUILT_IN_SCHEMAS = "dev/lattice/orchestrator/mcp/built-in-tools.json";

  private final LatticeClient client;
  private final ObjectMapper json;
  private final Executor executor;
  private final Map<String, LatticeTool> builtIn;
  private final JsonSchemaCheck anyObject;

  /** Compiled schemas of intents, by the schema's text: templates rarely change. */
  private final Map<String, JsonSchemaCheck> compiled = new ConcurrentHashMap<>();

  ToolCatalog(LatticeClient client, ObjectMapper json, Executor executor) {
    this.client = client;
    this.json = json;
    this.executor = executor;
    this.builtIn = builtIn(json);
    this.anyObject = JsonSchemaCheck.compile(read(json, ANY_OBJECT));
  }

  /** Every tool, built-in ones last. */
  CompletionStage<List<LatticeTool>> tools() {
    return client
        .intents()
        .thenApplyAsync(
            intents -> {
              Map<String, LatticeTool> tools = new LinkedHashMap<>();
              for (IntentView intent : intents) {
                // A built-in name cannot be taken by a template.
                if (!builtIn.containsKey(intent.name())) {
                  tools.put(intent.name(), intentTool(intent));
                }
              }
              tools.putAll(builtIn);
              return List.copyOf(tools.values());
            },
            executor);
  }

  /** The tool {@code name}, if there is one. */
  CompletionStage<Optional<LatticeTool>> find(String name) {
    return tools()
        .thenApply(tools -> tools.stream().filter(t -> t.name().equals(name)).findFirst());
  }

  /** The answer to {@code tools/list}. */
  ObjectNode listed(List<LatticeTool> tools) {
    ObjectNode result = json.createObjectNode();
    ArrayNode list = result.putArray("tools");
    for (LatticeTool tool : tools) {
      ObjectNode entry =
          list.addObject().put("name", tool.name()).put("description", tool.description());
      entry.set("inputSchema", tool.inputSchema());
      if (tool.annotations() != null) {
        entry.set("annotations", tool.annotations());
      }
      if (tool.startsRun()) {
        // For clients of the 2025-11-25 revision: such a call may be task-augmented.
        entry.putObject("execution").put("taskSupport", "optional");
      }
    }
    return result;
  }

  private LatticeTool intentTool(IntentView intent) {
    JsonNode schema = intent.payloadSchema();
    JsonSchemaCheck compiledSchema =
        schema == null
            ? anyObject
            : compiled.computeIfAbsent(schema.toString(), text -> JsonSchemaCheck.compile(schema));
    String description =
        (intent.description() == null
                ? "Runs the Lattice intent '" + intent.name() + "'."
                : intent.description())
            + " Starts a durable run; its arguments are the run's payload.";
    return new LatticeTool(
        intent.name(), description, compiledSchema, LatticeTool.Kind.INTENT, true, null);
  }

  /** The built-in tools, with their descriptions and schemas from a resource. */
  private static Map<String, LatticeTool> builtIn(ObjectMapper json) {
    JsonNode specs;
    try (InputStream in =
        ToolCatalog.class.getClassLoader().getResourceAsStream(BUILT_IN_SCHEMAS)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + BUILT_IN_SCHEMAS);
      }
      specs = json.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, LatticeTool> tools = new LinkedHashMap<>();
    add(tools, specs, RUN_PLAN, LatticeTool.Kind.RUN_PLAN, true);
    add(tools, specs, ACHIEVE_GOAL, LatticeTool.Kind.ACHIEVE_GOAL, true);
    add(tools, specs, SIGNAL, LatticeTool.Kind.SIGNAL, false);
    add(tools, specs, GET_RUN, LatticeTool.Kind.GET_RUN, false);
    return tools;
  }

  private static void add(
      Map<String, LatticeTool> tools,
      JsonNode specs,
      String name,
      LatticeTool.Kind kind,
      boolean startsRun) {
    JsonNode spec = specs.required(name);
    tools.put(
        name,
        new LatticeTool(
            name,
            spec.required("description").asText(),
            JsonSchemaCheck.compile(spec.required("inputSchema")),
            kind,
            startsRun,
            spec.get("annotations")));
  }

  private static JsonNode read(ObjectMapper json, String text) {
    try {
      return json.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
