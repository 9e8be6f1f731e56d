package dev.lattice.protocol.plan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a run treats its plan. */
public enum ExecutionMode {
  /** Run the plan. */
  AUTO("auto"),
  /** Run the plan, but fail before starting if any policy warning applies. */
  STRICT("strict"),
  /** Validate, estimate and record the plan; dispatch nothing. */
  DRY_RUN("dry-run"),
  /**
   * For a goal: plan it, then wait for a person to approve the plan (as it is, or edited) before
   * any step of it runs.
   */
  APPROVE("approve");

  private final String wire;

  ExecutionMode(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  @JsonCreator
  public static ExecutionMode fromWire(String wire) {
    for (ExecutionMode m : values()) {
      if (m.wire.equals(wire)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "mode must be one of 'auto', 'strict', 'dry-run', 'approve', not '" + wire + "'");
  }
}
