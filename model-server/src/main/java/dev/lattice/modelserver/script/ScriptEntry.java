package dev.lattice.modelserver.script;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One answer of a script: which requests it answers, how many, and what it answers.
 *
 * <p>An entry answers with {@code text} or {@code json} (a JSON value sent as the answer's text,
 * for structured output), or fails as {@code fault} says; a fault that sends part of an answer (a
 * connection dropped mid-stream, malformed JSON) sends part of the entry's text.
 *
 * @param match which requests it answers; absent answers any (in order)
 * @param times how many requests it answers before the next entry takes over; absent means once for
 *     an entry without a match and without limit for one with a match
 * @param text the answer's text
 * @param json a JSON value whose compact text is the answer
 * @param finishReason why the answer ended; {@code stop} when absent
 * @param usage the token figures to report; estimated when absent
 * @param stream how the answer is paced and cut into tokens
 * @param fault a failure to answer with instead
 * @param toolCalls tools the answer calls (with {@code text} or without); its finish reason is then
 *     {@code tool_calls}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScriptEntry(
    Match match,
    Integer times,
    String text,
    JsonNode json,
    FinishReason finishReason,
    Usage usage,
    Streaming stream,
    Fault fault,
    List<ToolCall> toolCalls) {

  public ScriptEntry {
    if (text != null && json != null) {
      throw new IllegalArgumentException("a script entry answers with text or json, not both");
    }
    toolCalls = toolCalls == null || toolCalls.isEmpty() ? null : List.copyOf(toolCalls);
    if (text == null && json == null && fault == null && toolCalls == null) {
      throw new IllegalArgumentException("a script entry needs text, json, toolCalls or a fault");
    }
    if (times != null && times < 1) {
      throw new IllegalArgumentException("times must be at least 1, was " + times);
    }
  }

  public static ScriptEntry text(String text) {
    return new ScriptEntry(null, null, text, null, null, null, null, null, null);
  }

  public static ScriptEntry json(JsonNode json) {
    return new ScriptEntry(null, null, null, json, null, null, null, null, null);
  }

  /** An answer that calls {@code calls}, without text. */
  public static ScriptEntry toolCalls(ToolCall... calls) {
    return new ScriptEntry(null, null, null, null, null, null, null, null, List.of(calls));
  }

  /** This entry, also calling {@code calls}. */
  public ScriptEntry calling(ToolCall... calls) {
    return new ScriptEntry(
        match, times, text, json, finishReason, usage, stream, fault, List.of(calls));
  }

  public static ScriptEntry fault(Fault fault) {
    return new ScriptEntry(null, null, null, null, null, null, null, fault, null);
  }

  /** This entry, answering only requests {@code match} accepts. */
  public ScriptEntry when(Match match) {
    return new ScriptEntry(match, times, text, json, finishReason, usage, stream, fault, toolCalls);
  }

  /** This entry, answering {@code count} requests. */
  public ScriptEntry times(int count) {
    return new ScriptEntry(match, count, text, json, finishReason, usage, stream, fault, toolCalls);
  }

  /** This entry, failing as {@code failure} says (with its text, where the fault sends some). */
  public ScriptEntry failing(Fault failure) {
    return new ScriptEntry(
        match, times, text, json, finishReason, usage, stream, failure, toolCalls);
  }

  public ScriptEntry finishReason(FinishReason reason) {
    return new ScriptEntry(match, times, text, json, reason, usage, stream, fault, toolCalls);
  }

  public ScriptEntry usage(Usage figures) {
    return new ScriptEntry(
        match, times, text, json, finishReason, figures, stream, fault, toolCalls);
  }

  public ScriptEntry stream(Streaming shape) {
    return new ScriptEntry(match, times, text, json, finishReason, usage, shape, fault, toolCalls);
  }

  /** How many requests this entry answers; {@link Integer#MAX_VALUE} for no limit. */
  public int answers() {
    if (times != null) {
      return times;
    }
    return match == null ? 1 : Integer.MAX_VALUE;
  }
}
