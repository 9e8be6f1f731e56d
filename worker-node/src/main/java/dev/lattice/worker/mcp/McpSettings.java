package dev.lattice.worker.mcp;

import com.typesafe.config.Config;
import dev.lattice.protocol.agent.ErrorClass;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code lattice.mcp} settings: the MCP servers whose tools this node serves, and how it talks
 * to them.
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
public record McpSettings(
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

  public McpSettings {
    servers = List.copyOf(servers);
    passEnvironment = List.copyOf(passEnvironment);
    if (restartMaxBackoff.compareTo(restartMinBackoff) < 0) {
      throw new IllegalArgumentException(
          "lattice.mcp.restart-backoff.max must be at least restart-backoff.min");
    }
  }

  public static McpSettings create(Config config) {
    Config c = config.getConfig("lattice.mcp");
    Defaults defaults =
        new Defaults(
            c.getInt("server-defaults.max-concurrent"),
            ErrorClass.fromWire(c.getString("server-defaults.tool-error-class")));
    List<McpServerSpec> servers = new ArrayList<>();
    Config section = c.getConfig("servers");
    for (String name : section.root().keySet().stream().sorted().toList()) {
      servers.add(McpServerSpec.fromConfig(name, section.getConfig("\"" + name + "\""), defaults));
    }
    return new McpSettings(
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
