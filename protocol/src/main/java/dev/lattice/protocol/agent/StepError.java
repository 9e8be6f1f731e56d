package dev.lattice.protocol.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.Objects;

/**
 * Why an attempt failed: a canonical class and a human-readable message.
 *
 * @param errorClass the canonical class
 * @param message for people
 * @param budget for {@code budget_exceeded}, the figures, where known
 * @param retryAfterMs how long the other side asked to wait before the next attempt (a rate limit's
 *     {@code Retry-After}), where it said; the next attempt is scheduled no sooner
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepError(
    ErrorClass errorClass, String message, BudgetFigures budget, Long retryAfterMs) {
  public StepError {
    Objects.requireNonNull(errorClass, "errorClass");
    message = message == null ? "" : message;
    retryAfterMs = retryAfterMs == null ? null : Math.max(0, retryAfterMs);
  }

  public StepError(ErrorClass errorClass, String message, BudgetFigures budget) {
    this(errorClass, message, budget, null);
  }

  public StepError(ErrorClass errorClass, String message) {
    this(errorClass, message, null, null);
  }

  public static StepError of(ErrorClass errorClass, String message) {
    return new StepError(errorClass, message);
  }

  /** A {@code budget_exceeded} error with its figures. */
  public static StepError budgetExceeded(BudgetFigures figures) {
    return new StepError(ErrorClass.BUDGET_EXCEEDED, figures.describe(), figures);
  }

  /** This error, saying the other side asked to wait {@code wait} (none if null). */
  public StepError withRetryAfter(Duration wait) {
    return new StepError(errorClass, message, budget, wait == null ? null : wait.toMillis());
  }

  /** The wait asked for before the next attempt; zero when none was. */
  public Duration retryAfter() {
    return retryAfterMs == null ? Duration.ZERO : Duration.ofMillis(retryAfterMs);
  }
}
