package dev.lattice.orchestrator.mcp;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Settings of the MCP server ({@code lattice.mcp}).
 *
 * @param enabled whether the node serves {@code /mcp}
 * @param callWait how long a tool call that is not task-augmented waits for its run before it
 *     answers with the run's state instead of its result; below pekko-http's request timeout
 * @param taskPollInterval the polling interval suggested to clients for a task
 * @param maxSessions the most sessions kept; the least recently used goes first
 * @param sessionIdleTimeout how long a session may stay unused before it is forgotten
 */
public record McpSettings(
    boolean enabled,
    Duration callWait,
    Duration taskPollInterval,
    int maxSessions,
    Duration sessionIdleTimeout) {

  public McpSettings {
    if (maxSessions < 1) {
      throw new IllegalArgumentException("lattice.mcp.sessions.max must be at least 1");
    }
    if (callWait.isNegative() || taskPollInterval.isNegative() || sessionIdleTimeout.isNegative()) {
      throw new IllegalArgumentException("lattice.mcp durations must not be negative");
    }
  }

  public static McpSettings create(Config root) {
    Config c = root.getConfig("lattice.mcp");
    return new McpSettings(
        c.getBoolean("enabled"),
        c.getDuration("call-wait"),
        c.getDuration("task-poll-interval"),
        c.getInt("sessions.max"),
        c.getDuration("sessions.idle-timeout"));
  }
}
