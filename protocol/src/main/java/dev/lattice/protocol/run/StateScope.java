package dev.lattice.protocol.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** Who sees a key of a run's shared state, and for how long. */
public enum StateScope {
  /** Every step of the run, until the run ends. */
  SHARED("shared"),
  /** Only the step that wrote it. */
  PRIVATE("private"),
  /** Every step of the run, until its time to live has passed. */
  TEMPORARY("temporary");

  private final String wire;

  StateScope(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  @JsonCreator
  public static StateScope fromWire(String wire) {
    return Arrays.stream(values())
        .filter(s -> s.wire.equals(wire))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown state scope '"
                        + wire
                        + "'; expected one of "
                        + Arrays.stream(values()).map(StateScope::wire).toList()));
  }
}
