package dev.lattice.orchestrator.run.core;

import com.typesafe.config.Config;

/**
 * The {@code lattice.run.tool-loop} settings: the bounds of a tool loop whose step sets none.
 *
 * @param maxTurns the most model turns a loop takes
 * @param maxToolCalls the most tool calls it makes, over all its turns
 */
public record ToolLoopSettings(int maxTurns, int maxToolCalls) {
  public ToolLoopSettings {
    if (maxTurns < 1 || maxToolCalls < 1) {
      throw new IllegalArgumentException("lattice.run.tool-loop limits must be at least 1");
    }
  }

  static ToolLoopSettings create(Config c) {
    return new ToolLoopSettings(c.getInt("max-turns"), c.getInt("max-tool-calls"));
  }
}
