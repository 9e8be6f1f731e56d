package dev.lattice.modelserver.script;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The token figures an answer reports. An absent figure is estimated from the text (prompt and
 * completion tokens) or reported as 0 (cached and reasoning tokens).
 *
 * @param promptTokens tokens of the whole prompt, cached ones included (Anthropic's {@code
 *     input_tokens} is what is left after {@code cachedTokens})
 * @param completionTokens tokens of the answer (Anthropic's {@code output_tokens})
 * @param cachedTokens prompt tokens read from a cache
 * @param reasoningTokens completion tokens spent reasoning (OpenAI only)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Usage(
    Integer promptTokens, Integer completionTokens, Integer cachedTokens, Integer reasoningTokens) {

  public static Usage of(int promptTokens, int completionTokens) {
    return new Usage(promptTokens, completionTokens, null, null);
  }

  public Usage withCachedTokens(int tokens) {
    return new Usage(promptTokens, completionTokens, tokens, reasoningTokens);
  }

  public Usage withReasoningTokens(int tokens) {
    return new Usage(promptTokens, completionTokens, cachedTokens, tokens);
  }
}
