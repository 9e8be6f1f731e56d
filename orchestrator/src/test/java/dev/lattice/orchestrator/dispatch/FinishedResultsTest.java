package dev.lattice.orchestrator.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.RunId;
import org.junit.jupiter.api.Test;

class FinishedResultsTest {

  private static AssignmentResult result(String step) {
    return new AssignmentResult(
        RunId.of("run-1"),
        step,
        1,
        "run-1/" + step + "/1",
        AgentId.of("agent-1"),
        new StepOutcome.Succeeded(JsonNodeFactory.instance.textNode(step), Usage.NONE));
  }

  @Test
  void answersWithWhatTheRunWasTold() {
    FinishedResults finished = new FinishedResults(10);
    AssignmentResult s1 = result("s1");

    finished.remember(s1.idempotencyKey(), s1);

    assertThat(finished.contains(s1.idempotencyKey())).isTrue();
    assertThat(finished.told(s1.idempotencyKey())).isEqualTo(s1);
  }

  @Test
  void remembersAnAttemptItsRunTookBackWithoutAResult() {
    FinishedResults finished = new FinishedResults(10);

    finished.remember("run-1/s1/1", null);

    assertThat(finished.contains("run-1/s1/1")).isTrue();
    assertThat(finished.told("run-1/s1/1")).isNull();
  }

  @Test
  void knowsNothingOfKeysItWasNotTold() {
    FinishedResults finished = new FinishedResults(10);

    assertThat(finished.contains("run-1/s1/1")).isFalse();
    assertThat(finished.told("run-1/s1/1")).isNull();
  }

  @Test
  void forgetsTheOldestKeysBeyondItsCapacity() {
    FinishedResults finished = rememberingInTurn(2, "s1", "s2", "s3");

    assertThat(finished.contains("run-1/s1/1")).isFalse();
    assertThat(finished.told("run-1/s2/1")).isEqualTo(result("s2"));
    assertThat(finished.told("run-1/s3/1")).isEqualTo(result("s3"));
  }

  @Test
  void aKeyRememberedAgainKeepsItsPlaceInLine() {
    FinishedResults finished = rememberingInTurn(2, "s1", "s2", "s1", "s3");

    assertThat(finished.contains("run-1/s1/1")).isFalse();
    assertThat(finished.contains("run-1/s2/1")).isTrue();
    assertThat(finished.contains("run-1/s3/1")).isTrue();
  }

  /** A memory of {@code capacity} keys told the results of {@code steps}, one after the other. */
  private static FinishedResults rememberingInTurn(int capacity, String... steps) {
    FinishedResults finished = new FinishedResults(capacity);
    for (String step : steps) {
      AssignmentResult result = result(step);
      finished.remember(result.idempotencyKey(), result);
    }
    return finished;
  }
}
