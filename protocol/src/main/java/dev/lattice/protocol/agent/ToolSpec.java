package dev.lattice.protocol.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.CborSerializable;
import java.util.Objects;

/**
 * How a capability is offered to a model as a tool: what it does, the JSON Schema of its arguments,
 * and what repeating a call means. A capability without one cannot be offered as a tool.
 *
 * @param description what the tool does, for the model
 * @param inputSchema the JSON Schema its arguments (the step's input) must match
 * @param effect what repeating a call means
 */
public record ToolSpec(String description, JsonNode inputSchema, ToolEffect effect)
    implements CborSerializable {
  public ToolSpec {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(inputSchema, "inputSchema");
    effect = effect == null ? ToolEffect.UNSAFE : effect;
  }
}
