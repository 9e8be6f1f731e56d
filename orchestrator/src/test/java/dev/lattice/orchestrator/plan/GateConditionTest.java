package dev.lattice.orchestrator.plan;

import static dev.lattice.orchestrator.plan.Plans.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CEL's standard macros in gate conditions, over the context a gate sees. */
class GateConditionTest {
  private final JsonNode context =
      StepContext.of(
          "r-1",
          "default",
          json("{'tags': ['a', 'b'], 'limits': {'max': 3}}"),
          Map.of(
              "scan",
              json("{'items': [1, 2, 3, 4], 'found': {'name': 'x'}, 'empty': [], 'none': null}"),
              "score",
              json("{'values': [0.5, 2.5]}")));

  private boolean evaluate(String condition) {
    return GateCondition.compile(condition).evaluate(context);
  }

  @Test
  void hasTestsWhetherAFieldIsPresent() {
    assertThat(evaluate("has(steps.scan.output.found)")).isTrue();
    assertThat(evaluate("has(steps.scan.output.found.name)")).isTrue();
    assertThat(evaluate("has(steps.scan.output.missing)")).isFalse();
    assertThat(evaluate("has(payload.limits.max)")).isTrue();
    // A step that has not succeeded has no entry under steps.
    assertThat(evaluate("has(steps.absent)")).isFalse();
    assertThat(evaluate("has(steps.scan.output.found) && steps.scan.output.found.name == 'x'"))
        .isTrue();
  }

  @Test
  void hasCountsAFieldHoldingNullAsPresent() {
    assertThat(evaluate("has(steps.scan.output.none)")).isTrue();
  }

  @Test
  void existsIsTrueWhenAnyElementMatches() {
    assertThat(evaluate("steps.scan.output.items.exists(i, i > 2)")).isTrue();
    assertThat(evaluate("steps.scan.output.items.exists(i, i > 4)")).isFalse();
    assertThat(evaluate("steps.scan.output.empty.exists(i, true)")).isFalse();
    assertThat(evaluate("payload.tags.exists(t, t == 'b')")).isTrue();
  }

  @Test
  void existsOverAMapRangesOverItsKeys() {
    assertThat(evaluate("steps.exists(id, id == 'scan')")).isTrue();
    assertThat(evaluate("steps.scan.output.found.exists(k, k == 'name')")).isTrue();
  }

  @Test
  void allIsTrueWhenEveryElementMatches() {
    assertThat(evaluate("steps.scan.output.items.all(i, i >= 1)")).isTrue();
    assertThat(evaluate("steps.scan.output.items.all(i, i > 1)")).isFalse();
    assertThat(evaluate("steps.scan.output.empty.all(i, false)")).isTrue();
  }

  @Test
  void existsOneIsTrueWhenExactlyOneElementMatches() {
    assertThat(evaluate("steps.scan.output.items.exists_one(i, i == 3)")).isTrue();
    assertThat(evaluate("steps.scan.output.items.exists_one(i, i > 2)")).isFalse();
    assertThat(evaluate("steps.scan.output.items.exists_one(i, i > 4)")).isFalse();
  }

  @Test
  void mapTransformsEachElement() {
    assertThat(evaluate("steps.scan.output.items.map(i, i * 10) == [10, 20, 30, 40]")).isTrue();
    assertThat(evaluate("steps.scan.output.items.map(i, i > 2, i) == [3, 4]")).isTrue();
    assertThat(evaluate("steps.scan.output.items.map(i, i * 2).exists(i, i == 8)")).isTrue();
  }

  @Test
  void filterKeepsTheMatchingElements() {
    assertThat(evaluate("steps.scan.output.items.filter(i, i % 2 == 0) == [2, 4]")).isTrue();
    assertThat(evaluate("size(steps.scan.output.items.filter(i, i > payload.limits.max)) == 1"))
        .isTrue();
    assertThat(evaluate("payload.tags.filter(t, t != 'a') == ['b']")).isTrue();
  }

  @Test
  void comparesIntegersAndDecimalsFromJsonWithEachOther() {
    assertThat(evaluate("steps.score.output.values.exists(v, v > 2)")).isTrue();
    assertThat(evaluate("steps.score.output.values.all(v, v < 3)")).isTrue();
    assertThat(evaluate("steps.scan.output.items.exists(i, i > 3.5)")).isTrue();
    assertThat(evaluate("steps.scan.output.items.filter(i, i >= 2.5) == [3, 4]")).isTrue();
    assertThat(evaluate("steps.score.output.values.exists(v, v > 2.0)")).isTrue();
  }

  @Test
  void readingAnAbsentFieldFailsTheEvaluationWhereHasIsFalse() {
    GateCondition unguarded = GateCondition.compile("steps.scan.output.missing == 1");
    assertThatThrownBy(() -> unguarded.evaluate(context))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing");
    assertThat(evaluate("has(steps.scan.output.missing) && steps.scan.output.missing == 1"))
        .isFalse();
  }

  @Test
  void aMacroWithTheWrongArgumentsIsACompileError() {
    assertThatThrownBy(() -> GateCondition.compile("steps.scan.output.items.exists(i)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid CEL condition");
    assertThatThrownBy(() -> GateCondition.compile("has(steps)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid CEL condition");
  }

  @Test
  void aMacroOverAValueOfTheWrongTypeFailsTheEvaluation() {
    GateCondition overANumber = GateCondition.compile("payload.limits.max.exists(i, i > 2)");
    assertThatThrownBy(() -> overANumber.evaluate(context))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("failed");
  }
}
