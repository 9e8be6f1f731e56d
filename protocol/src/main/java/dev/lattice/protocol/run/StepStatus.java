package dev.lattice.protocol.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Lifecycle status of a step; the allowed transitions live in the orchestrator's StepLifecycle. */
public enum StepStatus {
  PENDING,
  READY,
  DISPATCHED,
  RUNNING,
  WAITING,
  RETRY_WAIT,
  SUCCEEDED,
  FAILED,
  SKIPPED;

  /** Whether the step is settled: its dependents may be decided on. */
  public boolean terminal() {
    return this == SUCCEEDED || this == FAILED || this == SKIPPED;
  }

  /** Whether the step's current attempt is out: with a dispatcher or an agent. */
  public boolean out() {
    return this == DISPATCHED || this == RUNNING;
  }

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static StepStatus fromWire(String wire) {
    for (StepStatus s : values()) {
      if (s.wire().equals(wire)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown step status '" + wire + "'");
  }
}
