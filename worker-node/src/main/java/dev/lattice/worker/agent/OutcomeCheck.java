package dev.lattice.worker.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.BudgetFigures;
import dev.lattice.protocol.agent.BudgetScope;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.RejectedOutput;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.json.PayloadLimits;
import dev.lattice.protocol.redact.Redactor;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionResult;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Turns what an action returned into an attempt's outcome, holding it to its envelope: an attempt
 * over its budget fails with {@code budget_exceeded}, one past its TTL with {@code timeout}; other
 * failures keep the class the action gave them, or {@code agent_error}, and the wait a rate limit
 * asked for (which the run's retry honours). An output past the payload limits fails with {@code
 * malformed_output}, and an error message is cut to them: neither may make the agent's record of
 * the result, or its run's, too deep or too large for the journal. The outputs an action rejected
 * on the way go along whichever way the attempt ends.
 *
 * <p>Every output, error message and rejected output is redacted first ({@code lattice.redaction}):
 * the agent records its results, and this is where they enter Lattice, so no sensitive value an
 * action returns reaches its journal, the run's, the audit trail or a log.
 */
final class OutcomeCheck {
  private static final String TRUNCATED = "... (truncated)";

  private final PayloadLimits limits;
  private final Redactor redactor;

  OutcomeCheck(PayloadLimits limits, Redactor redactor) {
    this.limits = limits;
    this.redactor = redactor;
  }

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
    List<RejectedOutput> rejected = rejected(result.rejected());
    if (figures.exceeded()) {
      return new StepOutcome.Failed(StepError.budgetExceeded(figures), result.usage(), rejected);
    }
    JsonNode output = redactor.redact(result.output());
    Optional<String> unfit = limits.violation(output);
    if (unfit.isPresent()) {
      return new StepOutcome.Failed(
          StepError.of(ErrorClass.MALFORMED_OUTPUT, "the action's output " + unfit.get()),
          result.usage(),
          rejected);
    }
    return new StepOutcome.Succeeded(output, result.usage(), rejected);
  }

  private StepOutcome failed(Assignment assignment, Throwable failure) {
    if (failure instanceof ActionException action) {
      return new StepOutcome.Failed(
          StepError.of(action.errorClass(), cut(redactor.redactText(action.getMessage())))
              .withRetryAfter(action.retryAfter().orElse(null)),
          action.usage(),
          rejected(action.rejected()));
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
        cut(
            redactor.redactText(
                failure.getClass().getSimpleName() + (message == null ? "" : ": " + message))),
        null);
  }

  /** The outputs an action rejected, their texts redacted. */
  private List<RejectedOutput> rejected(List<RejectedOutput> rejected) {
    if (rejected == null || rejected.isEmpty()) {
      return rejected;
    }
    return rejected.stream()
        .map(
            r ->
                new RejectedOutput(
                    r.tryNumber(),
                    redactor.redactTexts(r.errors()),
                    r.omittedErrors(),
                    redactor.redactText(r.output())))
        .toList();
  }

  /** A message no longer than a payload may be, marked where it was cut. */
  private String cut(String message) {
    if (message == null || message.length() <= limits.maxChars()) {
      return message;
    }
    return message.substring(0, (int) limits.maxChars() - TRUNCATED.length()) + TRUNCATED;
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
