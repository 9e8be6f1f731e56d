package dev.lattice.orchestrator.plan;

import static dev.lattice.orchestrator.plan.Plans.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpressionsTest {
  private final JsonNode context =
      StepContext.of(
          "r-1",
          "default",
          json("{'text': 'one. two! three'}"),
          Map.of("test", json("{'exitCode': 0}")));

  @Test
  void transformReshapesJson() {
    JsonNode out =
        TransformExpression.compile("{ 'parts': $count($split(payload.text, ' ')), 'run': run.id }")
            .evaluate(context, Duration.ofSeconds(1), 100);
    assertThat(out).isEqualTo(json("{'parts': 3, 'run': 'r-1'}"));
  }

  @Test
  void transformStopsARunawayExpression() {
    TransformExpression runaway =
        TransformExpression.compile("($f := function($n) { $f($n + 1) }; $f(0))");
    assertThatThrownBy(() -> runaway.evaluate(context, Duration.ofMillis(200), 50))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void gateEvaluatesOverStepOutputs() {
    assertThat(GateCondition.compile("steps.test.output.exitCode == 0").evaluate(context)).isTrue();
    assertThat(GateCondition.compile("payload.text.startsWith('two')").evaluate(context)).isFalse();
  }

  @Test
  void gateMustYieldABoolean() {
    assertThatThrownBy(() -> GateCondition.compile("payload.text").evaluate(context))
        .hasMessageContaining("not a boolean");
  }
}
