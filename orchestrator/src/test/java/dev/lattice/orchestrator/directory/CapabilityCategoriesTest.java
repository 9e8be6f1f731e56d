package dev.lattice.orchestrator.directory;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.lattice.protocol.api.CapabilityCategory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which category the agent directory puts a capability in. */
class CapabilityCategoriesTest {
  private final CapabilityCategories categories =
      CapabilityCategories.create(
          ConfigFactory.parseString(
                  """
                  lattice.llm.profiles.translator { model = m, system = "Translate." }
                  lattice.worker.agents = [
                    {id = a, action = llm, capabilities = [summarize], max-concurrent = 1, priority = 0}
                    {id = b, action = echo, capabilities = [mirror], max-concurrent = 1, priority = 0}
                  ]
                  """)
              .withFallback(ConfigFactory.load())
              .resolve());

  @Test
  void modelCallsAreLlmWhetherPlainAProfileOrAnLlmAgentsCapability() {
    assertThat(categories.of("llm")).isEqualTo(CapabilityCategory.LLM);
    assertThat(categories.of("translator")).isEqualTo(CapabilityCategory.LLM);
    assertThat(categories.of("reviewer")).isEqualTo(CapabilityCategory.LLM);
    assertThat(categories.of("summarize")).isEqualTo(CapabilityCategory.LLM);
  }

  @Test
  void builtInToolsMcpToolsAndTheApplicationsOwnAreToldApart() {
    assertThat(categories.of("echo")).isEqualTo(CapabilityCategory.TOOL);
    assertThat(categories.of("http")).isEqualTo(CapabilityCategory.TOOL);
    assertThat(categories.of("files.write")).isEqualTo(CapabilityCategory.TOOL);
    assertThat(categories.of("mirror")).isEqualTo(CapabilityCategory.TOOL);
    assertThat(categories.of("mcp.files.read")).isEqualTo(CapabilityCategory.MCP);
    assertThat(categories.of("invoice")).isEqualTo(CapabilityCategory.CUSTOM);
  }

  @Test
  void groupsKeepTheOrderGivenUnderTheCategorysWireName() {
    assertThat(categories.group(List.of("echo", "llm", "invoice", "coder")))
        .isEqualTo(
            Map.of(
                "tool", List.of("echo"),
                "llm", List.of("llm", "coder"),
                "custom", List.of("invoice")));
  }
}
