package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A tool offered to the model for one call.
 *
 * @param name its name, as the model calls it ({@code [a-zA-Z0-9_-]{1,64}}, which both providers
 *     accept)
 * @param description what it does, for the model; may be null
 * @param parameters the JSON Schema of its arguments (an object)
 */
public record OfferedTool(String name, String description, JsonNode parameters) {}
