package dev.lattice.orchestrator.node;

/** A direct invocation named neither an agent of the cluster nor a capability one serves. */
public final class UnknownAgentException extends RuntimeException {
  public UnknownAgentException(String message) {
    super(message);
  }
}
