package dev.lattice.modelserver.script;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Limits over any sliding minute; an absent one does not apply.
 *
 * @param requestsPerMinute requests answered (errors of the script included)
 * @param tokensPerMinute prompt and completion tokens of the answers
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RateLimits(Integer requestsPerMinute, Integer tokensPerMinute) {

  public static RateLimits requestsPerMinute(int requests) {
    return new RateLimits(requests, null);
  }

  public static RateLimits tokensPerMinute(int tokens) {
    return new RateLimits(null, tokens);
  }
}
