package dev.lattice.orchestrator.plan;

import static dev.lattice.orchestrator.plan.Plans.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputTemplateTest {
  private final JsonNode context = context();

  private static JsonNode context() {
    Map<String, JsonNode> outputs = new LinkedHashMap<>();
    outputs.put("fetch", json("{'text': 'hello', 'items': [1, 2, 3]}"));
    return StepContext.of("r-1", "acme", json("{'repo': 'demo', 'n': 7}"), outputs);
  }

  @Test
  void aWholePlaceholderKeepsTheValuesType() {
    JsonNode input = json("{'n': '${payload.n}', 'items': '${steps.fetch.output.items}'}");
    assertThat(InputTemplate.resolve(input, context))
        .isEqualTo(json("{'n': 7, 'items': [1, 2, 3]}"));
  }

  @Test
  void placeholdersInsideTextAreInterpolated() {
    JsonNode input = json("'${steps.fetch.output.text} from ${payload.repo} (${run.tenant})'");
    assertThat(InputTemplate.resolve(input, context).asText()).isEqualTo("hello from demo (acme)");
  }

  @Test
  void indexesAndNestingWork() {
    JsonNode input = json("['${steps.fetch.output.items[1]}', {'deep': '${run.id}'}]");
    assertThat(InputTemplate.resolve(input, context)).isEqualTo(json("[2, {'deep': 'r-1'}]"));
  }

  @Test
  void aMissingValueIsAnErrorNotASilentNull() {
    assertThatThrownBy(() -> InputTemplate.resolve(json("'${payload.branch}'"), context))
        .hasMessage("input refers to ${payload.branch}, which is missing");
  }

  @Test
  void referencesNameTheirStep() {
    assertThat(InputTemplate.references(json("{'a': 'x ${steps.fetch.output.text} y'}")))
        .singleElement()
        .satisfies(r -> assertThat(r.stepId()).isEqualTo("fetch"));
  }

  @Test
  void secretReferencesAreLeftForTheWorker() {
    JsonNode input =
        json(
            "{'headers': {'Authorization': 'Bearer ${secret:crm-token}'},"
                + " 'body': '${secret:whole} for ${payload.repo}', 'only': '${secret:x}'}");

    assertThat(InputTemplate.references(input))
        .singleElement()
        .satisfies(r -> assertThat(r.text()).isEqualTo("payload.repo"));
    assertThat(InputTemplate.resolve(input, context))
        .isEqualTo(
            json(
                "{'headers': {'Authorization': 'Bearer ${secret:crm-token}'},"
                    + " 'body': '${secret:whole} for demo', 'only': '${secret:x}'}"));
  }

  @Test
  void aValueBroughtInMayNotNameASecret() {
    JsonNode outside =
        StepContext.of(
            "r-1",
            "acme",
            json("{'h': 'Bearer ${secret:admin}', 'o': {'deep': ['${secret:admin}']}}"),
            Map.of());

    assertThatThrownBy(() -> InputTemplate.resolve(json("'x ${payload.h}'"), outside))
        .hasMessageContaining("${payload.h}")
        .hasMessageContaining("secret reference");
    assertThatThrownBy(() -> InputTemplate.resolve(json("'${payload.h}'"), outside))
        .hasMessageContaining("secret reference");
    assertThatThrownBy(() -> InputTemplate.resolve(json("{'b': '${payload.o}'}"), outside))
        .hasMessageContaining("secret reference");
  }
}
