package dev.lattice.modelserver.script;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why an answer ended, with the name each provider gives it. */
public enum FinishReason {
  /** The model finished its answer. */
  STOP("stop", "stop", "end_turn"),
  /** The answer hit the request's token limit. */
  LENGTH("length", "length", "max_tokens"),
  /** The answer reached one of the request's stop sequences. */
  STOP_SEQUENCE("stop_sequence", "stop", "stop_sequence"),
  /** The answer was withheld by a content filter. */
  CONTENT_FILTER("content_filter", "content_filter", "refusal"),
  /** The model called tools and waits for their results. */
  TOOL_CALLS("tool_calls", "tool_calls", "tool_use");

  private final String scriptName;
  private final String openAi;
  private final String anthropic;

  FinishReason(String scriptName, String openAi, String anthropic) {
    this.scriptName = scriptName;
    this.openAi = openAi;
    this.anthropic = anthropic;
  }

  /** The name in a script. */
  @JsonValue
  public String scriptName() {
    return scriptName;
  }

  /** OpenAI's {@code finish_reason}. */
  public String openAi() {
    return openAi;
  }

  /** Anthropic's {@code stop_reason}. */
  public String anthropic() {
    return anthropic;
  }
}
