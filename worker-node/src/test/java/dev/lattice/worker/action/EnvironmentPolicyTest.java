package dev.lattice.worker.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.json.LatticeJson;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnvironmentPolicyTest {
  private final EnvironmentPolicy policy =
      new EnvironmentPolicy(Set.of("PATH", "LANG"), Set.of("GREETING"));
  private final Map<String, String> node =
      Map.of("PATH", "/usr/bin", "LATTICE_JOURNAL_PASSWORD", "secret", "HOME", "/home/node");

  private static JsonNode json(String text) throws Exception {
    return LatticeJson.mapper().readTree(text.replace('\'', '"'));
  }

  private ErrorClass refusal(String env) throws Exception {
    JsonNode input = json(env);
    try {
      policy.childEnvironment(node, input);
    } catch (ActionException e) {
      return e.errorClass();
    }
    throw new AssertionError("expected " + env + " to be refused");
  }

  @Test
  void passesOnlyTheListedVariablesOfTheNodeAndTheAllowedOnesOfTheStep() throws Exception {
    assertThat(policy.childEnvironment(node, null)).isEqualTo(Map.of("PATH", "/usr/bin"));
    assertThat(policy.childEnvironment(node, json("{'GREETING': 'hi'}")))
        .isEqualTo(Map.of("PATH", "/usr/bin", "GREETING", "hi"));
  }

  @Test
  void refusesNamesOffTheListHijacksAndMalformedEntries() throws Exception {
    assertThat(refusal("{'OTHER': 'x'}")).isEqualTo(ErrorClass.POLICY_DENIED);
    for (String name :
        new String[] {
          "LD_PRELOAD",
          "LD_LIBRARY_PATH",
          "DYLD_INSERT_LIBRARIES",
          "PATH",
          "BASH_ENV",
          "ENV",
          "JAVA_TOOL_OPTIONS",
          "PYTHONPATH",
          "NODE_OPTIONS",
          "ld_preload"
        }) {
      assertThat(refusal("{'" + name + "': 'x'}")).as(name).isEqualTo(ErrorClass.POLICY_DENIED);
    }
    assertThat(refusal("{'A=B': 'x'}")).isEqualTo(ErrorClass.INVALID_INPUT);
    assertThat(refusal("{'GREETING': {'nested': 1}}")).isEqualTo(ErrorClass.INVALID_INPUT);
    assertThat(refusal("['GREETING']")).isEqualTo(ErrorClass.INVALID_INPUT);
  }

  @Test
  void aConfigurationThatAllowsAHijackIsRefused() {
    assertThatThrownBy(() -> new EnvironmentPolicy(Set.of(), Set.of("GREETING", "LD_PRELOAD")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LD_PRELOAD");
  }
}
