package dev.lattice.protocol.agent;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** Whose budget a limit is: one step's attempt, the whole run, or the tenant's period. */
public enum BudgetScope {
  STEP("step"),
  RUN("run"),
  TENANT("tenant");

  private final String wire;

  BudgetScope(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  @JsonCreator
  public static BudgetScope fromWire(String wire) {
    return Arrays.stream(values())
        .filter(s -> s.wire.equals(wire))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown budget scope '" + wire + "'"));
  }
}
