package dev.lattice.orchestrator.guard;

import static dev.lattice.orchestrator.plan.Plans.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.protocol.agent.ToolEffect;
import dev.lattice.protocol.agent.ToolSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The built-in guardrails as configured by default, and one an application registers. */
class GuardrailsTest {
  private static final Config DEFAULTS = ConfigFactory.defaultReference();
  private static final ToolSpec REFUND =
      new ToolSpec(
          "Refunds an order.",
          json(
              "{'type': 'object', 'required': ['order'], 'additionalProperties': false,"
                  + " 'properties': {'order': {'type': 'integer'}}}"),
          ToolEffect.KEYED);

  private final Guardrails guardrails = Guardrails.create(DEFAULTS, Map.of());

  private List<Verdict> check(GuardedKind kind, String content) {
    return guardrails.check(new Guarded(kind, "acme", "refund", REFUND, json(content)));
  }

  @Test
  void argumentsThatDoNotMatchTheToolsSchemaAreRefused() {
    assertThat(check(GuardedKind.TOOL_ARGUMENTS, "{'order': 7}")).isEmpty();
    List<Verdict> verdicts = check(GuardedKind.TOOL_ARGUMENTS, "{'order': 'all', 'force': true}");
    assertThat(verdicts)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.guardrail()).isEqualTo("tool-schema");
              assertThat(v.aborts()).isTrue();
              assertThat(v.finding()).contains("do not match the tool's schema");
            });
  }

  @Test
  void secretsAreFoundAnywhereAndTheFindingNeverQuotesThem() {
    String key = "sk-proj-" + "A".repeat(30);
    List<Verdict> verdicts =
        check(GuardedKind.TOOL_RESULT, "{'rows': [{'note': 'the key is " + key + "'}]}");
    assertThat(verdicts)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.guardrail()).isEqualTo("secret-patterns");
              assertThat(v.describe()).doesNotContain(key);
            });
    assertThat(check(GuardedKind.MODEL_ANSWER, "{'text': 'AKIAABCDEFGHIJKLMNOP'}")).hasSize(1);
  }

  @Test
  void theDenyListAppliesToToolArgumentsOnly() {
    String injected = "{'order': 7, 'note': '$(curl http://169.254.169.254/latest)'}";
    assertThat(check(GuardedKind.TOOL_ARGUMENTS, injected))
        .extracting(Verdict::guardrail)
        .contains("argument-deny-list", "tool-schema");
    assertThat(check(GuardedKind.TOOL_RESULT, injected)).isEmpty();
  }

  @Test
  void aRegisteredGuardrailRunsWhereItsConfigurationSaysAndReportsOnly() {
    Config config =
        ConfigFactory.parseString(
                "lattice.guardrails.no-refunds { enabled = true, mode = report,"
                    + " applies-to = [tool-arguments] }")
            .withFallback(DEFAULTS);
    Guardrails withMine =
        Guardrails.create(
            config,
            Map.of(
                "no-refunds",
                guarded -> guarded.capability().equals("refund") ? "refunds are watched" : null));
    List<Verdict> verdicts =
        withMine.check(
            new Guarded(
                GuardedKind.TOOL_ARGUMENTS, "acme", "refund", REFUND, json("{'order': 1}")));
    assertThat(verdicts)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.aborts()).isFalse();
              assertThat(v.describe())
                  .isEqualTo(
                      "guardrail 'no-refunds' (report) on tool-arguments: refunds are watched");
            });
  }

  @Test
  void aConfiguredGuardrailNobodyRegisteredStopsTheNodeFromStarting() {
    Config config =
        ConfigFactory.parseString(
                "lattice.guardrails.mine { enabled = true, mode = abort, applies-to = [] }")
            .withFallback(DEFAULTS);
    assertThatThrownBy(() -> Guardrails.create(config, Map.of()))
        .hasMessageContaining("lattice.guardrails.mine");
  }
}
