package dev.lattice.orchestrator.node;

/** A direct invocation whose request cannot run as it is, with the offending field. */
public final class InvalidInvocationException extends RuntimeException {
  private final String field;

  public InvalidInvocationException(String field, String reason) {
    super(reason);
    this.field = field;
  }

  /** The offending field of the request. */
  public String field() {
    return field;
  }
}
