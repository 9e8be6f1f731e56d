package dev.lattice.protocol.agent;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * One try within an attempt whose output the action rejected and asked for again: a model's answer
 * that was not the JSON its step's schema asked for. Bounded by the action: at most a few errors,
 * each cut short, and the start of the output only.
 *
 * @param tryNumber which try of the attempt, from 1 ({@code try} in JSON)
 * @param errors why the output was rejected: the validator's errors, or why it did not parse
 * @param omittedErrors errors left out of {@code errors} to keep it short
 * @param output the start of the rejected output's text
 */
public record RejectedOutput(
    @JsonProperty("try") int tryNumber, List<String> errors, int omittedErrors, String output) {
  public RejectedOutput {
    errors = errors == null ? List.of() : List.copyOf(errors);
    output = Objects.requireNonNullElse(output, "");
  }
}
