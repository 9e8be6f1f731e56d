package dev.lattice.persistence.query;

import dev.lattice.protocol.ids.RunId;

/** Raised when events are asked for a run the journal has never seen. */
public final class UnknownRunException extends RuntimeException {
  private final transient RunId runId;

  public UnknownRunException(RunId runId) {
    super("no run with id '" + runId.value() + "'");
    this.runId = runId;
  }

  public RunId runId() {
    return runId;
  }
}
