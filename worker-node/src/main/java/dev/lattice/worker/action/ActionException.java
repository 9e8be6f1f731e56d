package dev.lattice.worker.action;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.RejectedOutput;
import dev.lattice.protocol.agent.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An action's failure, with the canonical error class that decides whether it is retried.
 *
 * <p>A failure caused by a rate limit may say how long the other side asked to wait ({@link
 * #retryAfter()}): the agent puts it on the step's error, and the step's next attempt is scheduled
 * no sooner. Its message ends with {@code retryAfterMs=N} as well, for people reading it.
 *
 * <p>An attempt that made several tries (an action that rejected an output and asked again) fails
 * with the usage of all of them and the outputs it rejected ({@link #after}).
 */
public class ActionException extends RuntimeException {
  /** How the wait a rate limit asked for is written at the end of the message. */
  public static final String RETRY_AFTER_MS = "retryAfterMs=";

  private final ErrorClass errorClass;
  private final transient Usage usage;
  private final transient Duration retryAfter;
  private final transient List<RejectedOutput> rejected;

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
    this(
        errorClass,
        retryAfter == null ? message : message + " " + RETRY_AFTER_MS + retryAfter.toMillis(),
        usage,
        cause,
        retryAfter,
        List.of());
  }

  // The message complete, retryAfterMs included.
  private ActionException(
      ErrorClass errorClass,
      String message,
      Usage usage,
      Throwable cause,
      Duration retryAfter,
      List<RejectedOutput> rejected) {
    super(message, cause);
    this.errorClass = errorClass;
    this.usage = usage == null ? Usage.NONE : usage;
    this.retryAfter = retryAfter;
    this.rejected = List.copyOf(rejected);
  }

  /**
   * This failure, ending an attempt after earlier tries: their usage added to this one's, their
   * rejected outputs before this one's.
   */
  public ActionException after(Usage earlierUsage, List<RejectedOutput> earlierRejected) {
    List<RejectedOutput> all = new ArrayList<>(earlierRejected);
    all.addAll(rejected);
    return new ActionException(
        errorClass, getMessage(), earlierUsage.plus(usage), getCause(), retryAfter, all);
  }

  /**
   * This failure with {@code message} in place of its own (its own with secrets scrubbed, say),
   * without its cause, whose message may hold what was scrubbed.
   */
  public ActionException withMessage(String message) {
    return new ActionException(errorClass, message, usage, null, retryAfter, rejected);
  }

  public ErrorClass errorClass() {
    return errorClass;
  }

  /** What the attempt consumed before it failed. */
  public Usage usage() {
    return usage;
  }

  /** Outputs the attempt rejected before it failed, in order of their tries. */
  public List<RejectedOutput> rejected() {
    return rejected;
  }

  /** How long the other side asked to wait before trying again, if it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
