package dev.lattice.worker.action.llm;

/**
 * Where an attempt of the {@code llm} action will send its call, as far as a dispatcher needs to
 * know before dispatch: the provider and model, the rate limit they have, and the tokens the call
 * is expected to use.
 *
 * @param provider the provider's name
 * @param model the model
 * @param limit the rate limit of that model at that provider
 * @param requests the most requests the attempt may make: one, and one more per repair of an answer
 *     that must follow a JSON Schema
 * @param tokens the expected tokens: the prompt's estimate plus the most the answer may have, for
 *     each request it may make
 */
public record LlmTarget(String provider, String model, RateLimit limit, int requests, long tokens) {

  /** The limiter's name for this provider and model: {@code provider model}. */
  public String describe() {
    return "provider " + provider + " model " + model;
  }
}
