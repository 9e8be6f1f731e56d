package dev.lattice.protocol.plan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** What an element of a map step whose sub-plan failed does to the map. */
public enum ElementFailure {
  /** The map fails at once, with the element's error. */
  FAIL("fail"),
  /** The element's place in the map's output holds its error; the other elements go on. */
  COLLECT("collect");

  private final String wire;

  ElementFailure(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  @JsonCreator
  public static ElementFailure fromWire(String wire) {
    return Arrays.stream(values())
        .filter(f -> f.wire.equals(wire))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown onElementFailure '" + wire + "'; expected fail or collect"));
  }
}
