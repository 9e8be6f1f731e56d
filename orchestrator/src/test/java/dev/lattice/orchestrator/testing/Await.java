package dev.lattice.orchestrator.testing;

import dev.lattice.orchestrator.node.Failures;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for asynchronous results in tests, always with a deadline. */
public final class Await {
  private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

  private Await() {}

  public static <T> T result(CompletionStage<T> stage) {
    return result(stage, Duration.ofSeconds(30));
  }

  public static <T> T result(CompletionStage<T> stage, Duration timeout) {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no result within " + timeout, e);
    }
  }

  /** Polls {@code condition} until it holds, failing after {@code timeout}. */
  public static void until(BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout);
      }
      LockSupport.parkNanos(POLL_INTERVAL.toNanos());
    }
  }

  /** {@link #until(BooleanSupplier, Duration)}, saying what {@code state} says when it fails. */
  public static void until(BooleanSupplier condition, Duration timeout, Supplier<String> state) {
    try {
      until(condition, timeout);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + ": " + state.get(), e);
    }
  }

  /** The failure a stage completes with. */
  public static Throwable failure(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return Failures.cause(e);
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("no failure within 30 seconds", e);
    }
    throw new AssertionError("expected the stage to fail");
  }
}
