package dev.lattice.protocol.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * Why an attempt failed: a canonical class and a human-readable message.
 *
 * @param errorClass the canonical class
 * @param message for people
 * @param budget for {@code budget_exceeded}, the figures, where known
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepError(ErrorClass errorClass, String message, BudgetFigures budget) {
  public StepError {
    Objects.requireNonNull(errorClass, "errorClass");
    message = message == null ? "" : message;
  }

  public StepError(ErrorClass errorClass, String message) {
    this(errorClass, message, null);
  }

  public static StepError of(ErrorClass errorClass, String message) {
    return new StepError(errorClass, message);
  }

  /** A {@code budget_exceeded} error with its figures. */
  public static StepError budgetExceeded(BudgetFigures figures) {
    return new StepError(ErrorClass.BUDGET_EXCEEDED, figures.describe(), figures);
  }
}
