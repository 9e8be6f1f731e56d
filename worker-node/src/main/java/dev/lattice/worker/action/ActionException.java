package dev.lattice.worker.action;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.Usage;

/** An action's failure, with the canonical error class that decides whether it is retried. */
public class ActionException extends RuntimeException {
  private final ErrorClass errorClass;
  private final transient Usage usage;

  public ActionException(ErrorClass errorClass, String message) {
    this(errorClass, message, Usage.NONE, null);
  }

  public ActionException(ErrorClass errorClass, String message, Usage usage, Throwable cause) {
    super(message, cause);
    this.errorClass = errorClass;
    this.usage = usage == null ? Usage.NONE : usage;
  }

  public ErrorClass errorClass() {
    return errorClass;
  }

  /** What the attempt consumed before it failed. */
  public Usage usage() {
    return usage;
  }
}
