package dev.lattice.worker.action.llm;

import com.typesafe.config.Config;
import java.util.List;

/**
 * The {@code lattice.llm.structured-output} settings: how often a step asking for JSON that follows
 * a schema is asked again when an answer does not, and how much of each rejected answer is kept.
 *
 * @param repairs how many times an answer is asked for again when the step's input does not say
 * @param maxRepairs the most a step's input may ask for
 * @param maxErrors the most errors of one answer that are sent back to the model and recorded
 * @param maxErrorChars the longest an error may be, sent back and recorded; longer ones are cut
 * @param maxOutputChars how much of a rejected answer's text is recorded with its errors
 */
public record StructuredOutputSettings(
    int repairs, int maxRepairs, int maxErrors, int maxErrorChars, int maxOutputChars) {
  private static final String ELLIPSIS = "…";

  public StructuredOutputSettings {
    if (repairs < 0
        || maxRepairs < repairs
        || maxErrors < 1
        || maxErrorChars < 1
        || maxOutputChars < 0) {
      throw new IllegalArgumentException(
          "lattice.llm.structured-output: need 0 <= repairs <= max-repairs, max-errors >= 1,"
              + " max-error-chars >= 1 and max-output-chars >= 0");
    }
  }

  /** The errors that are sent back and recorded: the first {@link #maxErrors}, each cut short. */
  List<String> shown(List<String> errors) {
    return errors.stream().limit(maxErrors).map(this::cut).toList();
  }

  /** How many of {@code errors} {@link #shown} leaves out. */
  int omitted(List<String> errors) {
    return Math.max(0, errors.size() - maxErrors);
  }

  /** {@code error} no longer than {@link #maxErrorChars}, marked where it was cut. */
  String cut(String error) {
    return shortened(error, maxErrorChars);
  }

  /** The start of a rejected answer's text that is recorded. */
  String excerpt(String output) {
    return shortened(output, maxOutputChars);
  }

  private static String shortened(String text, int chars) {
    return text.length() <= chars ? text : text.substring(0, chars) + ELLIPSIS;
  }

  /** Reads {@code c}, the {@code lattice.llm.structured-output} section. */
  static StructuredOutputSettings create(Config c) {
    return new StructuredOutputSettings(
        c.getInt("repairs"),
        c.getInt("max-repairs"),
        c.getInt("max-errors"),
        c.getInt("max-error-chars"),
        c.getInt("max-output-chars"));
  }
}
