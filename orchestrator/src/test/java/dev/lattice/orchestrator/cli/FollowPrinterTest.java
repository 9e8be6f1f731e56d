package dev.lattice.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A followed run as the CLI prints it: events on their own lines, each step's text on its own. */
class FollowPrinterTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final FollowPrinter printer =
      new FollowPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);

  private static String event(long seq, String type, String stepId) {
    return "{\"runId\": \"r1\", \"seq\": "
        + seq
        + ", \"timestamp\": \"2026-12-07T10:00:00Z\", \"type\": \""
        + type
        + "\""
        + (stepId == null ? "" : ", \"stepId\": \"" + stepId + "\", \"attempt\": 1")
        + ", \"data\": {}}";
  }

  private static String delta(String stepId, String text, boolean reset) {
    return "{\"runId\": \"r1\", \"type\": \"step.delta\", \"stepId\": \""
        + stepId
        + "\", \"attempt\": 1, \"data\": {\"try\": 1, \"offset\": 0, \"reset\": "
        + reset
        + ", \"text\": \""
        + text
        + "\", \"at\": \"2026-12-07T10:00:00Z\"}}";
  }

  @Test
  void eachStepsTextHasLinesOfItsOwnBetweenTheEvents() {
    assertThat(printer.take(event(1, "run.started", null)).seq()).isEqualTo(1);
    assertThat(printer.take(delta("a", "Hello, ", true))).isNull();
    printer.take(delta("a", "world.", false));
    printer.take(delta("b", "Other", true));
    printer.take(delta("a", " Again.\\nNext", false));
    printer.take(event(2, "step.succeeded", "a"));

    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(6);
    assertThat(lines[0]).contains("run.started");
    assertThat(lines[1]).isEqualTo("      a │ Hello, world.");
    assertThat(lines[2]).isEqualTo("      b │ Other");
    assertThat(lines[3]).isEqualTo("      a │  Again.");
    assertThat(lines[4]).isEqualTo("      a │ Next");
    assertThat(lines[5]).contains("step.succeeded").contains(" a (attempt 1)");
  }
}
