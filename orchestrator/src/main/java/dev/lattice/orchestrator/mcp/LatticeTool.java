package dev.lattice.orchestrator.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.worker.action.JsonSchemaCheck;

/**
 * A tool this server offers.
 *
 * @param name the tool's name
 * @param description what it does, for the model
 * @param schema the JSON Schema its arguments must match
 * @param kind what calling it does
 * @param startsRun whether a call starts a run (and so may become a task)
 * @param annotations MCP's hints about the tool (read-only, idempotent, ...), or null
 */
record LatticeTool(
    String name,
    String description,
    JsonSchemaCheck schema,
    Kind kind,
    boolean startsRun,
    JsonNode annotations) {

  /** What calling a tool does. */
  enum Kind {
    /** Runs the intent of the tool's name with the arguments as payload. */
    INTENT,
    /** Runs an explicit plan. */
    RUN_PLAN,
    /** Plans a goal with the planner model, then runs the plan. */
    ACHIEVE_GOAL,
    /** Sends a signal to a run. */
    SIGNAL,
    /** Reads a run's state, or its result once finished. */
    GET_RUN
  }

  JsonNode inputSchema() {
    return schema.node();
  }
}
