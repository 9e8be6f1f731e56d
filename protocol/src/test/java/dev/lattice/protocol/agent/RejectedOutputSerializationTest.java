package dev.lattice.protocol.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Outcomes gained the outputs their action rejected: outcomes written before (in an agent's journal
 * as CBOR) must still read, with none, and outcomes without any must be written as before. The
 * rejected tries' events have a stable public form.
 */
class RejectedOutputSerializationTest {
  /** A success as it was written before rejected outputs existed. */
  record SucceededBefore(String outcome, JsonNode output, Usage usage) {}

  private static final ActorTestKit testKit = ActorTestKit.create("rejected-serialization");
  private static final ObjectMapper CBOR =
      JacksonObjectMapperProvider.get(testKit.system())
          .getOrCreate("jackson-cbor", Optional.empty());
  private static final Usage USAGE = new Usage("m", 3, 4, null);
  private static final RejectedOutput REJECTED =
      new RejectedOutput(1, List.of("/score: must have a maximum value of 5"), 2, "{\"score\":9}");

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void readsOutcomesWrittenBeforeRejectedOutputsWithNone() throws Exception {
    JsonNode output = LatticeJson.mapper().readTree("{\"a\":1}");
    byte[] old = CBOR.writeValueAsBytes(new SucceededBefore("succeeded", output, USAGE));

    StepOutcome read = CBOR.readValue(old, StepOutcome.class);

    assertThat(read).isEqualTo(new StepOutcome.Succeeded(output, USAGE));
    assertThat(read.rejected()).isEmpty();
  }

  @Test
  void writesOutcomesWithoutRejectedOutputsAsBefore() {
    JsonNode written =
        LatticeJson.mapper()
            .valueToTree(StepOutcome.failed(ErrorClass.TIMEOUT, "late", Usage.NONE));

    assertThat(written.has("rejected")).isFalse();
  }

  @Test
  void roundTripsRejectedOutputsThroughCbor() throws Exception {
    StepOutcome failed =
        new StepOutcome.Failed(
            StepError.of(ErrorClass.MALFORMED_OUTPUT, "no"), USAGE, List.of(REJECTED));

    assertThat(CBOR.readValue(CBOR.writeValueAsBytes(failed), StepOutcome.class)).isEqualTo(failed);
  }

  @Test
  void aRejectedTryIsAnEventWithItsNumberErrorsAndOutput() throws Exception {
    Instant at = Instant.parse("2026-01-01T10:00:00Z");

    RunEvent event =
        RunChange.StepOutputRejected.of("rate", 1, REJECTED, at).toEvent(RunId.of("r"), 3);

    assertThat(event.type()).isEqualTo("step.output_rejected");
    assertThat(event.stepId()).isEqualTo("rate");
    assertThat(event.attempt()).isEqualTo(1);
    assertThat(event.data())
        .isEqualTo(
            LatticeJson.mapper()
                .readTree(
                    "{\"try\": 1, \"errors\": [\"/score: must have a maximum value of 5\"],"
                        + " \"omittedErrors\": 2, \"output\": \"{\\\"score\\\":9}\"}"));
  }
}
