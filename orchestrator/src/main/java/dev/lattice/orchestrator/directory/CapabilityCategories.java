package dev.lattice.orchestrator.directory;

import com.typesafe.config.Config;
import dev.lattice.protocol.api.CapabilityCategory;
import dev.lattice.worker.action.FilesWriteAction;
import dev.lattice.worker.action.llm.LlmCapabilities;
import dev.lattice.worker.action.llm.LlmSettings;
import dev.lattice.worker.mcp.McpClientSettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Sorts capabilities into {@link CapabilityCategory categories} for the agent directory. A manifest
 * does not say which action serves a capability, so the category comes from the names and the
 * configuration every node of a cluster shares: {@code llm}, every model profile and the
 * capabilities of configured agents that run the llm action are model calls; {@code mcp.*} are
 * tools of MCP servers; the built-in tool actions' names, and the capabilities of configured agents
 * that run one, are tools; anything else is the embedding application's own.
 */
public final class CapabilityCategories {
  /** The built-in actions that are tools rather than model calls. */
  private static final Set<String> TOOL_ACTIONS =
      Set.of(
          "echo",
          "shell",
          FilesWriteAction.NAME,
          "http",
          "split",
          "embed",
          "vectors.upsert",
          "vectors.query");

  private final LlmCapabilities llm;
  private final Set<String> tools;

  CapabilityCategories(LlmCapabilities llm, Set<String> tools) {
    this.llm = llm;
    this.tools = Set.copyOf(tools);
  }

  /** The categories as {@code config} (a node's whole configuration) defines them. */
  public static CapabilityCategories create(Config config) {
    LlmCapabilities llm =
        new LlmCapabilities(
            LlmSettings.create(config.getConfig("lattice.llm")), LlmCapabilities.ofAgents(config));
    Set<String> tools = new HashSet<>(TOOL_ACTIONS);
    if (config.hasPath("lattice.worker.agents")) {
      for (Config agent : config.getConfigList("lattice.worker.agents")) {
        if (TOOL_ACTIONS.contains(agent.getString("action"))) {
          tools.addAll(agent.getStringList("capabilities"));
        }
      }
    }
    return new CapabilityCategories(llm, tools);
  }

  /** The category of {@code capability}. */
  public CapabilityCategory of(String capability) {
    if (llm.contains(capability)) {
      return CapabilityCategory.LLM;
    }
    if (capability.startsWith(McpClientSettings.CAPABILITY_PREFIX)) {
      return CapabilityCategory.MCP;
    }
    return tools.contains(capability) ? CapabilityCategory.TOOL : CapabilityCategory.CUSTOM;
  }

  /** {@code capabilities} by the wire name of their category, each group in the order given. */
  public Map<String, List<String>> group(List<String> capabilities) {
    Map<String, List<String>> groups = new TreeMap<>();
    capabilities.forEach(c -> groups.computeIfAbsent(of(c).wire(), k -> new ArrayList<>()).add(c));
    groups.replaceAll((category, names) -> List.copyOf(names));
    return groups;
  }
}
