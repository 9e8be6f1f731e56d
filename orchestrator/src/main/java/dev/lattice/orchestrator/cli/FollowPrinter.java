package dev.lattice.orchestrator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.StepDelta;
import java.io.IOException;
import java.io.PrintStream;

/**
 * Prints a followed run's stream: each event on a line of its own, and a streaming step's text as
 * it comes, on lines of its own that name the step ({@code summarise │ The change ...}). Text of
 * another step, or an event, starts a new line, so parallel steps never share one.
 */
final class FollowPrinter {
  private static final String TEXT_PREFIX = "      %s │ ";

  private final PrintStream out;
  private final boolean json;
  // The step whose text the current line holds, or null when the line is ended.
  private String textOf;

  FollowPrinter(PrintStream out, boolean json) {
    this.out = out;
    this.json = json;
  }

  /** Prints {@code line} of the stream; the event it holds, or null for a step's text. */
  RunEvent take(String line) {
    JsonNode element;
    try {
      element = ApiClient.MAPPER.readTree(line);
    } catch (IOException e) {
      throw new CliException("unexpected event from the server: " + line, CliException.REFUSED);
    }
    if (StepDelta.TYPE.equals(element.path("type").asText())) {
      if (json) {
        out.println(line);
      } else {
        text(element.path("stepId").asText(), element.path("data"));
      }
      return null;
    }
    RunEvent event;
    try {
      event = ApiClient.MAPPER.treeToValue(element, RunEvent.class);
    } catch (IOException e) {
      throw new CliException("unexpected event from the server: " + line, CliException.REFUSED);
    }
    endLine();
    out.println(json ? line : TextOutput.event(event));
    return event;
  }

  /** Ends a line of text still open. */
  void endLine() {
    if (textOf != null) {
      out.println();
      textOf = null;
    }
  }

  private void text(String stepId, JsonNode piece) {
    if (!stepId.equals(textOf) || piece.path("reset").asBoolean()) {
      // Another step's text, or another attempt or try starting its text again.
      endLine();
      out.print(String.format(TEXT_PREFIX, stepId));
      textOf = stepId;
    }
    // The text's own line breaks keep it under its step's name.
    out.print(piece.path("text").asText().replace("\n", "\n" + String.format(TEXT_PREFIX, stepId)));
    out.flush();
  }
}
