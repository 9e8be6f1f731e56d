package dev.lattice.protocol.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** What kind of work a capability does, for grouping the agent directory. */
public enum CapabilityCategory {
  /** A model call: {@code llm}, a model profile, or another capability of the llm action. */
  LLM("llm"),
  /** A built-in tool: {@code echo}, {@code shell}, {@code http}. */
  TOOL("tool"),
  /** A tool of an MCP server: {@code mcp.SERVER.TOOL}. */
  MCP("mcp"),
  /** An action of the embedding application. */
  CUSTOM("custom");

  private final String wire;

  CapabilityCategory(String wire) {
    this.wire = wire;
  }

  /** The lower-case name used on the wire. */
  @JsonValue
  public String wire() {
    return wire;
  }

  @JsonCreator
  public static CapabilityCategory fromWire(String wire) {
    return Arrays.stream(values())
        .filter(s -> s.wire.equals(wire))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("unknown capability category '" + wire + "'"));
  }
}
