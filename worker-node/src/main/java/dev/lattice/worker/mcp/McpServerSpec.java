package dev.lattice.worker.mcp;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.ToolEffect;
import dev.lattice.worker.secret.ResolvedSecrets;
import dev.lattice.worker.secret.SecretResolver;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One MCP server of {@code lattice.mcp.servers}: a command started as a child process that speaks
 * MCP over its stdin and stdout, or the URL of a streamable HTTP server.
 *
 * @param name the server's name, the middle part of its tools' capabilities ({@code mcp.NAME.TOOL})
 * @param command for a stdio server, the program and its arguments; empty for an HTTP server
 * @param env for a stdio server, variables set for it (values may be secrets, or name them: {@code
 *     ${secret:NAME}})
 * @param workingDirectory for a stdio server, where it runs; null for the node's own
 * @param url for an HTTP server, its MCP endpoint; null for a stdio server
 * @param headers for an HTTP server, headers sent with every request (values may be secrets, or
 *     name them)
 * @param effects what repeating a call of a tool means, by tool name, over its annotations
 * @param toolErrorClass the error class of a call the tool answered with {@code isError}
 * @param maxConcurrent how many calls the server's agent runs at once at most
 * @param required whether a node whose start cannot reach the server fails to start; otherwise it
 *     starts without the server's tools
 */
public record McpServerSpec(
    String name,
    List<String> command,
    Map<String, String> env,
    Path workingDirectory,
    URI url,
    Map<String, String> headers,
    Map<String, ToolEffect> effects,
    ErrorClass toolErrorClass,
    int maxConcurrent,
    boolean required) {

  /** Names stay free of dots, so {@code mcp.NAME.TOOL} names its server without doubt. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

  public McpServerSpec {
    command = List.copyOf(command);
    env = Map.copyOf(env);
    headers = Map.copyOf(headers);
    effects = Map.copyOf(effects);
    String at = "lattice.mcp.servers." + name;
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          at + ": a server's name must match " + NAME.pattern() + " (it is part of capabilities)");
    }
    if (command.isEmpty() == (url == null)) {
      throw new IllegalArgumentException(at + " needs either command (stdio) or url (HTTP)");
    }
    if (url != null && !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
      throw new IllegalArgumentException(at + ".url must be an http or https URL");
    }
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException(at + ".max-concurrent must be at least 1");
    }
  }

  /** Whether the server is a child process spoken to over stdio. */
  public boolean stdio() {
    return url == null;
  }

  /**
   * This server with the secret references of its env and header values resolved by {@code
   * secrets}, for one connection: resolved at every (re)connection, so a rotated secret is picked
   * up when the server restarts. May block (a secret may be a file).
   *
   * @throws dev.lattice.worker.action.ActionException naming a secret that is set nowhere
   */
  McpServerSpec resolved(SecretResolver secrets) {
    Map<String, String> liveEnv = resolved(env, secrets);
    Map<String, String> liveHeaders = resolved(headers, secrets);
    if (liveEnv == env && liveHeaders == headers) {
      return this;
    }
    return new McpServerSpec(
        name,
        command,
        liveEnv,
        workingDirectory,
        url,
        liveHeaders,
        effects,
        toolErrorClass,
        maxConcurrent,
        required);
  }

  private static Map<String, String> resolved(Map<String, String> values, SecretResolver secrets) {
    if (values.values().stream().noneMatch(SecretResolver::mentions)) {
      return values;
    }
    Map<String, String> live = new TreeMap<>();
    // The values go to the server only; nothing here scrubs them from its answers.
    ResolvedSecrets used = new ResolvedSecrets();
    values.forEach((key, value) -> live.put(key, secrets.resolve(value, used)));
    return live;
  }

  /** The capability that serves {@code tool} of this server. */
  public String capability(String tool) {
    return McpClientSettings.CAPABILITY_PREFIX + name + "." + tool;
  }

  /** The tool a capability of this server names, or null if it is not one of this server's. */
  public String toolOf(String capability) {
    String prefix = McpClientSettings.CAPABILITY_PREFIX + name + ".";
    return capability.startsWith(prefix) ? capability.substring(prefix.length()) : null;
  }

  /** Without the values of env and headers, which may be secrets. */
  @Override
  public String toString() {
    return "McpServerSpec[name="
        + name
        + (stdio() ? ", command=" + command : ", url=" + url)
        + ", env="
        + env.keySet()
        + ", headers="
        + headers.keySet()
        + "]";
  }

  static McpServerSpec fromConfig(String name, Config c, McpClientSettings.Defaults defaults) {
    String at = "lattice.mcp.servers." + name;
    List<String> command = List.of();
    if (c.hasPath("command")) {
      command =
          c.getValue("command").valueType() == ConfigValueType.LIST
              ? c.getStringList("command")
              : List.of(c.getString("command"));
      if (c.hasPath("args")) {
        command = concat(command, c.getStringList("args"));
      }
      if (command.isEmpty() || command.get(0).isBlank()) {
        throw new IllegalArgumentException(at + ".command names no program");
      }
    }
    Map<String, ToolEffect> effects = new TreeMap<>();
    if (c.hasPath("effects")) {
      Config e = c.getConfig("effects");
      for (String tool : e.root().keySet()) {
        effects.put(tool, ToolEffect.fromWire(e.getString("\"" + tool + "\"")));
      }
    }
    return new McpServerSpec(
        name,
        command,
        strings(c, "env"),
        c.hasPath("working-directory") ? Path.of(c.getString("working-directory")) : null,
        c.hasPath("url") ? URI.create(c.getString("url")) : null,
        strings(c, "headers"),
        effects,
        c.hasPath("tool-error-class")
            ? ErrorClass.fromWire(c.getString("tool-error-class"))
            : defaults.toolErrorClass(),
        c.hasPath("max-concurrent") ? c.getInt("max-concurrent") : defaults.maxConcurrent(),
        !c.hasPath("required") || c.getBoolean("required"));
  }

  private static Map<String, String> strings(Config c, String path) {
    Map<String, String> values = new TreeMap<>();
    if (c.hasPath(path)) {
      Config section = c.getConfig(path);
      for (String key : section.root().keySet()) {
        values.put(key, section.getString("\"" + key + "\""));
      }
    }
    return values;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
