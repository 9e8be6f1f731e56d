package dev.lattice.worker.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerSettingsTest {
  private final WorkerSettings defaults = WorkerSettings.create(ConfigFactory.load());

  @Test
  void theDefaultAgentsServeEchoShellLlmFilesHttpAndRetrieval() {
    assertThat(defaults.agents())
        .extracting(AgentSpec::id)
        .containsExactly(
            "echo",
            "shell",
            "llm",
            "files",
            "http",
            "split",
            "embed",
            "vectors-upsert",
            "vectors-query");
  }

  @Test
  void anAgentAnApplicationRegistersReplacesTheConfiguredOneOfItsIdAndAddsTheRest() {
    AgentSpec llm = AgentSpec.forCapability("llm", 3);
    AgentSpec search = AgentSpec.forCapability("search", 2);

    WorkerSettings settings = defaults.withAgents(List.of(llm, search));

    assertThat(settings.agents())
        .extracting(AgentSpec::id)
        .containsExactly(
            "echo",
            "shell",
            "files",
            "http",
            "split",
            "embed",
            "vectors-upsert",
            "vectors-query",
            "llm",
            "search");
    assertThat(settings.agents()).contains(llm).filteredOn(a -> a.id().equals("llm")).hasSize(1);
    assertThat(settings.agents().get(8).maxConcurrent()).isEqualTo(3);
  }
}
