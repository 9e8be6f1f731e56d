package dev.lattice.protocol.agent;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** The state of a circuit breaker in front of a worker agent, or of one of its models. */
public enum BreakerState {
  /** Assignments pass; failures that point at the agent are counted. */
  CLOSED("closed"),
  /** Too many failures in a row: assignments are refused until the cool-down ends. */
  OPEN("open"),
  /** The cool-down ended: one assignment passes as the probe, and its outcome decides. */
  HALF_OPEN("half_open");

  private final String wire;

  BreakerState(String wire) {
    this.wire = wire;
  }

  /** The lower-case name used on the wire. */
  @JsonValue
  public String wire() {
    return wire;
  }

  @JsonCreator
  public static BreakerState fromWire(String wire) {
    return Arrays.stream(values())
        .filter(s -> s.wire.equals(wire))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown breaker state '" + wire + "'"));
  }
}
