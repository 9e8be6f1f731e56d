package dev.lattice.worker.action;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.Usage;
import java.time.Duration;
import java.util.Optional;

/**
 * An action's failure, with the canonical error class that decides whether it is retried.
 *
 * <p>A failure caused by a rate limit may say how long the other side asked to wait ({@link
 * #retryAfter()}); its message then ends with {@code retryAfterMs=N} as well, so that the figure
 * survives where only the message travels (a step's recorded error).
 */
public class ActionException extends RuntimeException {
  /** How the wait a rate limit asked for is written at the end of the message. */
  public static final String RETRY_AFTER_MS = "retryAfterMs=";

  private final ErrorClass errorClass;
  private final transient Usage usage;
  private final transient Duration retryAfter;

  public ActionException(ErrorClass errorClass, String message) {
    this(errorClass, message, Usage.NONE, null);
  }

  public ActionException(ErrorClass errorClass, String message, Usage usage, Throwable cause) {
    this(errorClass, message, usage, cause, null);
  }

  /**
   * A failure after which the other side asked to wait {@code retryAfter} (null: it did not say),
   * appended to the message as {@code retryAfterMs=N}.
   */
  public ActionException(
      ErrorClass errorClass, String message, Usage usage, Throwable cause, Duration retryAfter) {
    super(
        retryAfter == null ? message : message + " " + RETRY_AFTER_MS + retryAfter.toMillis(),
        cause);
    this.errorClass = errorClass;
    this.usage = usage == null ? Usage.NONE : usage;
    this.retryAfter = retryAfter;
  }

  public ErrorClass errorClass() {
    return errorClass;
  }

  /** What the attempt consumed before it failed. */
  public Usage usage() {
    return usage;
  }

  /** How long the other side asked to wait before trying again, if it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
