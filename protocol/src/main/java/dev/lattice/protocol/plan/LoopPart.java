package dev.lattice.protocol.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * What a step the run added for a tool loop is part of: turn {@code turn} of the llm step {@code
 * step}, or call {@code call} of that turn. Plans sent to Lattice never carry it; the run records
 * it on the steps it adds.
 *
 * @param step the llm step whose loop this is
 * @param turn the turn, from 1
 * @param call the call of that turn, from 1; null for the turn itself
 * @param callId the id the model gave the call
 * @param tool the name the model called the tool by
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoopPart(String step, int turn, Integer call, String callId, String tool) {
  public LoopPart {
    Objects.requireNonNull(step, "step");
  }

  /** The part for turn {@code turn} of {@code step}. */
  public static LoopPart turn(String step, int turn) {
    return new LoopPart(step, turn, null, null, null);
  }

  // Not "isTurn": Jackson would read it as a boolean property "turn", clashing with the turn
  // number.
  public boolean turnStep() {
    return call == null;
  }

  /** The id of turn {@code turn} of {@code step}: {@code step.tN}. */
  public static String turnId(String step, int turn) {
    return step + ".t" + turn;
  }

  /** The id of call {@code call} of turn {@code turn} of {@code step}: {@code step.tN.cM}. */
  public static String callId(String step, int turn, int call) {
    return turnId(step, turn) + ".c" + call;
  }
}
