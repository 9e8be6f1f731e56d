package dev.lattice.protocol.plan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** What a run does when one of its steps exceeds a budget. */
public enum BudgetAction {
  /** The step fails with {@code budget_exceeded}, and with it the run. */
  FAIL("fail"),
  /**
   * The run pauses for approval; resuming it approves: the step is dispatched (refused before
   * dispatch) or tried again (stopped after).
   */
  PAUSE("pause");

  private final String wire;

  BudgetAction(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  @JsonCreator
  public static BudgetAction fromWire(String wire) {
    return Arrays.stream(values())
        .filter(a -> a.wire.equals(wire))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown budget action '" + wire + "'; expected one of [fail, pause]"));
  }
}
