package dev.lattice.protocol.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Lifecycle status of a run; the allowed transitions live in the orchestrator's RunLifecycle. */
public enum RunStatus {
  QUEUED,
  RUNNING,
  PAUSED,
  COMPLETED,
  FAILED,
  CANCELLED;

  /** Whether no further transition is possible. */
  public boolean terminal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static RunStatus fromWire(String wire) {
    for (RunStatus s : values()) {
      if (s.wire().equals(wire)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown run status '" + wire + "'");
  }
}
