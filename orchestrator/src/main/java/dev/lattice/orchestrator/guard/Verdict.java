package dev.lattice.orchestrator.guard;

/**
 * A guardrail's finding about one turn or call.
 *
 * @param guardrail its name
 * @param mode what the finding does
 * @param kind what it looked at
 * @param finding what is wrong
 */
public record Verdict(String guardrail, GuardrailMode mode, GuardedKind kind, String finding) {
  public boolean aborts() {
    return mode == GuardrailMode.ABORT;
  }

  /** The sentence of the audit entry and of the error. */
  public String describe() {
    return "guardrail '" + guardrail + "' (" + mode.wire() + ") on " + kind.wire() + ": " + finding;
  }
}
