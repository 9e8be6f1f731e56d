package dev.lattice.protocol.audit;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** What an executor-dispatcher decided about an assignment; the wire names are lower case. */
public enum AuditKind {
  /** Accepted into the dispatcher's queue. */
  ENQUEUED("enqueued"),
  /** Handed to an agent (named in the entry). */
  DISPATCHED("dispatched"),
  /**
   * Back in the queue: its agent refused it, or a restarted dispatcher does not know its agent yet.
   */
  REQUEUED("requeued"),
  /** Refused by a policy (allow-list); the entry names the rule. */
  DENIED("denied"),
  /** An estimate of its usage was reserved against its budgets. */
  BUDGET_RESERVED("budget.reserved"),
  /** Its reservation was settled against the usage it reported. */
  BUDGET_RECONCILED("budget.reconciled"),
  /** Refused before dispatch, or stopped, for exceeding a budget; the entry has the figures. */
  BUDGET_EXCEEDED("budget.exceeded"),
  /** Taken back on its run's request (cancel, timeout). */
  WITHDRAWN("withdrawn"),
  /** Its agent was lost while it ran; it counts as a failed attempt. */
  WORKER_LOST("worker_lost"),
  /** Finished successfully. */
  DONE("done"),
  /** Finished with an error class. */
  FAILED("failed"),
  /**
   * A guardrail found something in a tool loop's turn or call: the entry says which, in which mode,
   * and what (never the text it matched). In abort mode the attempt failed or its result was
   * dropped.
   */
  GUARDRAIL("guardrail");

  private final String wire;

  AuditKind(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  @JsonCreator
  public static AuditKind fromWire(String wire) {
    return Arrays.stream(values())
        .filter(k -> k.wire.equals(wire))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown audit kind '" + wire + "'"));
  }
}
