package dev.lattice.orchestrator.node;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Asks an entity again when an ask times out. While a node leaves, Pekko drops the messages it
 * holds for the shards it hands over, and the entity answers the next one from its new node; an
 * entity that moved also forgets who waited for it. Only for messages their entity handles
 * idempotently.
 */
final class AskAgain {
  /** One ask, the {@code attempt}-th (from 0), that may wait for {@code timeout}. */
  @FunctionalInterface
  interface Ask<T> {
    CompletionStage<T> send(int attempt, Duration timeout);
  }

  private final Duration askTimeout;
  private final Duration resendInterval;
  private final Executor executor;

  /**
   * Asks that ask again every {@code resendInterval} within {@code askTimeout}, completing on
   * {@code executor}.
   */
  AskAgain(Duration askTimeout, Duration resendInterval, Executor executor) {
    this.askTimeout = askTimeout;
    this.resendInterval = resendInterval;
    this.executor = executor;
  }

  /**
   * Asks, and asks again every {@code resendInterval} while no answer comes, until {@code
   * askTimeout}. Fails with the last ask's timeout.
   */
  <T> CompletionStage<T> withinAskTimeout(Ask<T> ask) {
    Instant deadline = Instant.now().plus(askTimeout);
    return asking(
        ask,
        0,
        () -> {
          Duration left = Duration.between(Instant.now(), deadline);
          Duration timeout = left.compareTo(resendInterval) < 0 ? left : resendInterval;
          return timeout.isNegative() || timeout.isZero() ? Duration.ofMillis(1) : timeout;
        },
        () -> Instant.now().isBefore(deadline));
  }

  /** Asks with {@code timeout}, and asks again after every timeout until an answer comes. */
  <T> CompletionStage<T> untilAnswered(Duration timeout, Ask<T> ask) {
    return asking(ask, 0, () -> timeout, () -> true);
  }

  private <T> CompletionStage<T> asking(
      Ask<T> ask, int attempt, Supplier<Duration> timeout, BooleanSupplier again) {
    return ask.send(attempt, timeout.get())
        .handleAsync(
            (answer, failure) -> {
              if (failure == null) {
                return CompletableFuture.completedFuture(answer);
              }
              if (Failures.cause(failure) instanceof TimeoutException && again.getAsBoolean()) {
                return asking(ask, attempt + 1, timeout, again).toCompletableFuture();
              }
              return CompletableFuture.<T>failedFuture(failure);
            },
            executor)
        .thenComposeAsync(stage -> stage, executor);
  }
}
