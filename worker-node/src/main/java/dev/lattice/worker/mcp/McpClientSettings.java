package dev.lattice.worker.mcp;

import com.typesafe.config.Config;
import dev.lattice.protocol.agent.ErrorClass;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The MCP client's settings: the MCP servers whose tools this node serves ({@code
 * lattice.mcp.servers}), and how it talks to them ({@code lattice.mcp.client}).
 *
 * @param servers the configured servers, by name
 * @param connectTimeout how long starting a server, its handshake and listing its tools may take
 * @param callTimeout how long one tool call may take; the attempt's deadline cuts it shorter
 * @param restartMinBackoff the wait before restarting a server process that died
 * @param restartMaxBackoff the longest wait between restarts of a server that keeps failing
 * @param stopTimeout how long a stopping server process may take after its stdin closed, and again
 *     after it was told to terminate, before it is killed
 * @param maxMessageChars the longest message a stdio server may send (one line of JSON)
 * @param passEnvironment the node's environment variables a stdio server sees, besides its env
 */
public record McpClientSettings(
    List<McpServerSpec> servers,
    Duration connectTimeout,
    Duration callTimeout,
    Duration restartMinBackoff,
    Duration restartMaxBackoff,
    Duration stopTimeout,
    int maxMessageChars,
    List<String> passEnvironment) {

  /** Every MCP tool's capability starts with this. */
  public static final String CAPABILITY_PREFIX = "mcp.";

  /** What a server's section falls back to. */
  record Defaults(int maxConcurrent, ErrorClass toolErrorClass) {}

  public McpClientSettings {
    servers = List.copyOf(servers);
    passEnvironment = List.copyOf(passEnvironment);
    if (restartMaxBackoff.compareTo(restartMinBackoff) < 0) {
      throw new IllegalArgumentException(
          "lattice.mcp.client.restart-backoff.max must be at least restart-backoff.min");
    }
  }

  /**
   * The servers of {@code lattice.mcp.servers} (with {@code lattice.mcp.server-defaults}) and the
   * client's own settings, {@code lattice.mcp.client}; the rest of {@code lattice.mcp} is the
   * node's own MCP server's.
   */
  public static McpClientSettings create(Config config) {
    Config mcp = config.getConfig("lattice.mcp");
    Defaults defaults =
        new Defaults(
            mcp.getInt("server-defaults.max-concurrent"),
            ErrorClass.fromWire(mcp.getString("server-defaults.tool-error-class")));
    List<McpServerSpec> servers = new ArrayList<>();
    Config section = mcp.getConfig("servers");
    for (String name : section.root().keySet().stream().sorted().toList()) {
      servers.add(McpServerSpec.fromConfig(name, section.getConfig("\"" + name + "\""), defaults));
    }
    Config c = mcp.getConfig("client");
    return new McpClientSettings(
        servers,
        c.getDuration("connect-timeout"),
        c.getDuration("call-timeout"),
        c.getDuration("restart-backoff.min"),
        c.getDuration("restart-backoff.max"),
        c.getDuration("stop-timeout"),
        (int) Math.min(Integer.MAX_VALUE, c.getMemorySize("max-message-size").toBytes()),
        c.getStringList("pass-environment"));
  }

  /** The wait before the restart that follows one after {@code previous} (null: the first). */
  Duration nextBackoff(Duration previous) {
    if (previous == null) {
      return restartMinBackoff;
    }
    Duration doubled = previous.multipliedBy(2);
    return doubled.compareTo(restartMaxBackoff) > 0 ? restartMaxBackoff : doubled;
  }
}
