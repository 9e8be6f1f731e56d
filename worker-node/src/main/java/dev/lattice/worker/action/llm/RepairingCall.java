package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.RejectedOutput;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.worker.action.ActionException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A call whose answer must be JSON following the step's schema. Each answer is checked; one that is
 * rejected goes back to the model, followed by a user message with the errors, and the answer is
 * asked for again, up to the call's repairs. The last rejection fails the attempt with {@code
 * malformed_output}. Whatever the end, the usage of every try counts and every rejected answer
 * travels with the result (each becomes an event of the run).
 *
 * <p>All tries share the attempt's deadline. They are one attempt of the step: the client still
 * never retries on its own, and a failed call ends the attempt as it would without repairs. Each
 * repair is a heartbeat of the attempt; one that was withdrawn meanwhile makes no more calls.
 */
final class RepairingCall {
  private static final String REPAIR_REQUEST =
      "Your answer was rejected: it is not the JSON asked for.\nErrors:\n";
  private static final String REPAIR_AGAIN =
      "Answer again with one JSON value only, following the JSON Schema given, without any other"
          + " text.";
  // "- " before an error, "…" after a cut one, "\n" after it.
  private static final int ERROR_FRAMING_BYTES = 6;
  // "- and N more\n", N at most a long's digits.
  private static final int OMITTED_LINE_BYTES = 32;

  /**
   * The accepted answer.
   *
   * @param last the answer accepted, as the provider gave it
   * @param json that answer, read as JSON; null when the answer calls tools (not checked)
   * @param usage the usage of every try
   * @param rejected the answers rejected before it
   */
  record Accepted(LlmAnswer last, JsonNode json, Usage usage, List<RejectedOutput> rejected) {}

  private final LlmClient client;
  private final Optional<String> key;
  private final Instant deadline;
  private final Consumer<String> onDelta;
  private final Runnable onNewTry;
  private final BooleanSupplier wanted;
  private final StructuredOutputSettings settings;
  private final ObjectMapper json;
  private final Executor executor;
  private final SpendCap cap;

  /**
   * @param onDelta where streamed text goes, every try's
   * @param onNewTry told before each repair's call: its text replaces the rejected one's
   * @param wanted whether the attempt is still wanted; asked (as its heartbeat) before each repair
   * @param cap keeps each try within what the attempt may spend
   */
  RepairingCall(
      LlmClient client,
      Optional<String> key,
      Instant deadline,
      Consumer<String> onDelta,
      Runnable onNewTry,
      BooleanSupplier wanted,
      StructuredOutputSettings settings,
      ObjectMapper json,
      Executor executor,
      SpendCap cap) {
    this.client = client;
    this.key = key;
    this.deadline = deadline;
    this.onDelta = onDelta;
    this.onNewTry = onNewTry;
    this.wanted = wanted;
    this.settings = settings;
    this.json = json;
    this.executor = executor;
    this.cap = cap;
  }

  /**
   * Calls until an answer to {@code call} follows its schema, or its repairs are spent; the attempt
   * used {@code before} ahead of it (a session's summary), which counts in the accepted usage and
   * in a failure's.
   */
  CompletionStage<Accepted> call(LlmCall call, Usage before) {
    return attempt(call, 1, before, List.of());
  }

  private CompletionStage<Accepted> attempt(
      LlmCall call, int tryNumber, Usage used, List<RejectedOutput> rejected) {
    LlmCall sent;
    try {
      // The call's own maxTokens stays for the tries after it; this try's may be cut.
      sent = cap.capped(call, used);
    } catch (ActionException e) {
      return CompletableFuture.failedFuture(e.after(used, rejected));
    }
    return client
        .call(sent, key, deadline, onDelta)
        .handleAsync(
            (answer, failure) ->
                failure != null
                    ? CompletableFuture.<Accepted>failedFuture(
                        afterEarlierTries(failure, used, rejected))
                    : checked(call, tryNumber, answer, used.plus(answer.usage()), rejected),
            executor)
        .thenCompose(next -> next);
  }

  private CompletionStage<Accepted> checked(
      LlmCall call, int tryNumber, LlmAnswer answer, Usage used, List<RejectedOutput> rejected) {
    if (answer.callsTools()) {
      // A turn that calls tools is not the answer yet: the schema holds for the final one.
      return CompletableFuture.completedFuture(new Accepted(answer, null, used, rejected));
    }
    CheckedAnswer checked = call.schema().check(answer.text(), json);
    if (checked.accepted()) {
      return CompletableFuture.completedFuture(
          new Accepted(answer, checked.json(), used, rejected));
    }
    List<String> errors = settings.shown(checked.errors());
    List<RejectedOutput> now = new ArrayList<>(rejected);
    now.add(
        new RejectedOutput(
            tryNumber,
            errors,
            settings.omitted(checked.errors()),
            settings.excerpt(answer.text())));
    if (tryNumber > call.repairs()) {
      return CompletableFuture.failedFuture(malformed(answer, tryNumber, errors, used, now));
    }
    if (!wanted.getAsBoolean()) {
      // Withdrawn meanwhile (its run was cancelled, say): no more calls on its behalf.
      return CompletableFuture.failedFuture(
          new ActionException(ErrorClass.CANCELLED, "the attempt was withdrawn during its repairs")
              .after(used, now));
    }
    LlmCall again = call.repairedWith(answer.text(), repairRequest(errors, checked.errors()));
    onNewTry.run();
    return attempt(again, tryNumber + 1, used, now);
  }

  /**
   * The tokens a repair request may take under {@code settings}, as reserved: its fixed text, the
   * errors shown (each at most max-error-chars, counted a byte a character: validators write ASCII
   * but for names taken from the schema) and the count of those left out. A longer request is still
   * kept within the attempt's budget ({@link SpendCap}), at the cost of a repair.
   */
  static long requestTokensBound(StructuredOutputSettings settings) {
    long perError = (long) settings.maxErrorChars() + ERROR_FRAMING_BYTES;
    return PromptEstimate.bytes(REPAIR_REQUEST)
        + PromptEstimate.bytes(REPAIR_AGAIN)
        + settings.maxErrors() * perError
        + OMITTED_LINE_BYTES;
  }

  /** What the model is told about its rejected answer. */
  private String repairRequest(List<String> shown, List<String> all) {
    StringBuilder text = new StringBuilder(REPAIR_REQUEST);
    shown.forEach(error -> text.append("- ").append(error).append('\n'));
    int omitted = settings.omitted(all);
    if (omitted > 0) {
      text.append("- and ").append(omitted).append(" more\n");
    }
    return text.append(REPAIR_AGAIN).toString();
  }

  private ActionException malformed(
      LlmAnswer answer, int tries, List<String> errors, Usage used, List<RejectedOutput> rejected) {
    return new ActionException(
            ErrorClass.MALFORMED_OUTPUT,
            "the answer of model "
                + answer.model()
                + " is not the JSON the step asked for"
                + (tries > 1 ? " (" + tries + " tries)" : "")
                + ": "
                + String.join("; ", errors)
                + "; the answer: "
                + settings.excerpt(answer.text()),
            Usage.NONE,
            null)
        .after(used, rejected);
  }

  /** A failed call, carrying what the tries before it used and rejected. */
  private static Throwable afterEarlierTries(
      Throwable failure, Usage used, List<RejectedOutput> rejected) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof ActionException action
        && (!rejected.isEmpty() || used.totalTokens() > 0)) {
      return action.after(used, rejected);
    }
    return cause;
  }
}
