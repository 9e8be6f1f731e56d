package dev.lattice.protocol.plan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a gate does when its condition is false. */
public enum GateFallback {
  /** The gate step fails, and with it the run. */
  FAIL("fail"),
  /** The gate succeeds and every step that depends on it, directly or not, is skipped. */
  SKIP("skip");

  private final String wire;

  GateFallback(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  @JsonCreator
  public static GateFallback fromWire(String wire) {
    for (GateFallback f : values()) {
      if (f.wire.equals(wire)) {
        return f;
      }
    }
    throw new IllegalArgumentException("onFalse must be 'fail' or 'skip', not '" + wire + "'");
  }
}
