package dev.lattice.protocol.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.lattice.protocol.CborSerializable;
import java.time.Instant;

/**
 * A piece of a model's answer, streamed to a run's followers while its step runs: the public form
 * of a {@code step.delta} element of a run's stream, shaped like a {@link RunEvent} without {@code
 * seq} and {@code timestamp}. Never written to the journal: the step's final event holds the whole
 * text. It has no sequence number, so it neither takes one from the run's events nor moves a
 * follower's resume point.
 *
 * <p>A follower keeps one text per step: a delta with {@code reset} replaces it (a new attempt, a
 * new repair try, or a catch-up after connecting); any other delta appends to it. {@code offset}
 * says where {@code text} starts in the try's text (in UTF-16 code units), so a follower can drop
 * what it already has and see a gap. A {@code reset} with an {@code offset} above 0 means the text
 * before it is no longer held (a long answer, or a slow follower that fell behind).
 *
 * @param runId the run
 * @param type always {@link #TYPE}
 * @param stepId the step whose answer this is
 * @param attempt the step's attempt
 * @param data the text and its place
 */
@JsonPropertyOrder({"runId", "type", "stepId", "attempt", "data"})
public record StepDelta(String runId, String type, String stepId, int attempt, Piece data)
    implements CborSerializable, RunStreamElement {
  /** The type of every delta. */
  public static final String TYPE = "step.delta";

  /**
   * The text of a delta and its place in the attempt's answer.
   *
   * @param tryNumber the try within the attempt, from 1 (structured output asks again on a rejected
   *     answer, within the same attempt)
   * @param offset where {@code text} starts in the try's text
   * @param reset whether the follower drops the text it holds for the step before this one
   * @param text the text
   * @param at when the worker received the first piece of {@code text} from the model
   */
  @JsonPropertyOrder({"try", "offset", "reset", "text", "at"})
  public record Piece(
      @JsonProperty("try") int tryNumber, long offset, boolean reset, String text, Instant at) {}

  public StepDelta {
    type = TYPE;
  }

  /** A delta of {@code text} at {@code offset}. */
  public static StepDelta of(
      String runId,
      String stepId,
      int attempt,
      int tryNumber,
      long offset,
      boolean reset,
      String text,
      Instant at) {
    return new StepDelta(
        runId, TYPE, stepId, attempt, new Piece(tryNumber, offset, reset, text, at));
  }

  public int tryNumber() {
    return data.tryNumber();
  }

  public long offset() {
    return data.offset();
  }

  public boolean reset() {
    return data.reset();
  }

  public String text() {
    return data.text();
  }

  public Instant at() {
    return data.at();
  }

  /** The offset just past this delta's text. */
  public long end() {
    return offset() + text().length();
  }

  /** Whether {@code next} is the same try's text, right after this one. */
  public boolean continuedBy(StepDelta next) {
    return !next.reset()
        && next.stepId.equals(stepId)
        && next.attempt == attempt
        && next.tryNumber() == tryNumber()
        && next.offset() == end();
  }

  /** This delta followed by {@code next}, which {@link #continuedBy continues} it. */
  public StepDelta joined(StepDelta next) {
    return of(runId, stepId, attempt, tryNumber(), offset(), reset(), text() + next.text(), at());
  }

  /** This delta as the start of what its follower holds: the text before it is not held. */
  public StepDelta asReset() {
    return reset() ? this : of(runId, stepId, attempt, tryNumber(), offset(), true, text(), at());
  }

  /** This delta without its first {@code chars} characters: the text before is not held. */
  public StepDelta withoutHead(int chars) {
    String text = text();
    int cut = Math.min(chars, text.length());
    // Never split a surrogate pair.
    if (cut > 0 && cut < text.length() && Character.isLowSurrogate(text.charAt(cut))) {
      cut++;
    }
    return of(runId, stepId, attempt, tryNumber(), offset() + cut, true, text.substring(cut), at());
  }
}
