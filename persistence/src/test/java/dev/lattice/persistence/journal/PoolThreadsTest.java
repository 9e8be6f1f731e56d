package dev.lattice.persistence.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Closing a pool waits for the threads it started, within a bound. */
class PoolThreadsTest {
  @Test
  void joinWaitsForAThreadThatStillRunsAfterItsExecutorSaidItTerminated() throws Exception {
    PoolThreads threads = new PoolThreads("test-pool");
    CountDownLatch terminated = new CountDownLatch(1);
    // As a pool executor's last thread does: it reports the executor terminated, then ends.
    Thread last =
        threads.newThread(
            () -> {
              terminated.countDown();
              sleep(Duration.ofMillis(300));
            });
    last.start();
    terminated.await();

    threads.join(Duration.ofSeconds(10));

    assertThat(last.isAlive()).isFalse();
    assertThat(last.getName()).startsWith("test-pool ");
  }

  @Test
  void joinGivesUpOnAThreadThatDoesNotEndWithinTheBound() throws Exception {
    PoolThreads threads = new PoolThreads("test-pool");
    CountDownLatch release = new CountDownLatch(1);
    Thread stuck = threads.newThread(() -> await(release));
    stuck.start();
    try {
      long start = System.nanoTime();
      threads.join(Duration.ofMillis(200));

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(stuck.isAlive()).isTrue();
    } finally {
      release.countDown();
      stuck.join();
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
