package dev.lattice.worker.agent;

import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.BudgetFigures;
import dev.lattice.protocol.agent.BudgetScope;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionResult;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Turns what an action returned into an attempt's outcome, holding it to its envelope: an attempt
 * over its budget fails with {@code budget_exceeded}, one past its TTL with {@code timeout}; other
 * failures keep the class the action gave them, or {@code agent_error}.
 */
final class OutcomeCheck {

  StepOutcome outcome(Assignment assignment, ActionResult result, Throwable failure) {
    if (failure != null) {
      return failed(assignment, unwrap(failure));
    }
    if (result == null) {
      return StepOutcome.failed(ErrorClass.AGENT_ERROR, "the action returned no result", null);
    }
    BudgetFigures figures =
        new BudgetFigures(
            BudgetScope.STEP, assignment.budget(), null, null, Spend.of(result.usage()));
    if (figures.exceeded()) {
      return new StepOutcome.Failed(StepError.budgetExceeded(figures), result.usage());
    }
    return StepOutcome.succeeded(result.output(), result.usage());
  }

  private static StepOutcome failed(Assignment assignment, Throwable failure) {
    if (failure instanceof ActionException action) {
      return StepOutcome.failed(action.errorClass(), action.getMessage(), action.usage());
    }
    if (failure instanceof TimeoutException) {
      return StepOutcome.failed(
          ErrorClass.TIMEOUT,
          "the attempt ran past its TTL of " + assignment.ttlMs() + " ms",
          null);
    }
    String message = failure.getMessage();
    return StepOutcome.failed(
        ErrorClass.AGENT_ERROR,
        failure.getClass().getSimpleName() + (message == null ? "" : ": " + message),
        null);
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable current = failure;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
