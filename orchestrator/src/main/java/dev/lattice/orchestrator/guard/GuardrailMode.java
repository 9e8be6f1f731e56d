package dev.lattice.orchestrator.guard;

import java.util.Locale;

/** What a guardrail's finding does. */
public enum GuardrailMode {
  /** The call is stopped: a turn or call fails with {@code policy_denied}, a result is dropped. */
  ABORT,
  /** Only recorded in the audit trail. */
  REPORT;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static GuardrailMode fromWire(String wire) {
    return GuardrailMode.valueOf(wire.toUpperCase(Locale.ROOT));
  }
}
