package dev.lattice.persistence.journal;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the threads of one HikariCP pool (its {@code threadFactory}) and remembers them, so that
 * closing the pool can wait until they have ended.
 *
 * <p>{@code HikariDataSource.close()} returns while some of its threads still run: it stops the
 * housekeeper with {@code shutdownNow()} without waiting for it, and the executors it does wait for
 * (connection adder and closer) report themselves terminated from their last thread, a moment
 * before that thread exits. The connections are closed by then; the threads are idle, but whoever
 * closes a node and then checks that nothing of it is left running would race them.
 */
public final class PoolThreads implements ThreadFactory {
  /** As long as HikariCP itself waits for each of its executors while it closes. */
  public static final Duration JOIN_BOUND = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(PoolThreads.class);

  private final String poolName;
  private final AtomicInteger count = new AtomicInteger();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

  /**
   * @param poolName the pool's name, with which each of its threads' names begins
   */
  public PoolThreads(String poolName) {
    this.poolName = poolName;
  }

  @Override
  public Thread newThread(Runnable task) {
    // The pool starts a thread each time its adder or closer was idle for a while: forget the ones
    // that ended, so a node that runs for weeks does not keep them all.
    threads.removeIf(t -> t.getState() == Thread.State.TERMINATED);
    Thread thread = new Thread(task, poolName + " thread-" + count.incrementAndGet());
    thread.setDaemon(true);
    threads.add(thread);
    return thread;
  }

  /**
   * Waits, within {@code bound}, for every thread this pool started to end; call it once the pool
   * is closed. A thread that has not ended by then (stuck in a driver call, say) is logged and
   * left.
   */
  public void join(Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    try {
      for (Thread thread : threads) {
        long left = deadline - System.nanoTime();
        if (left > 0) {
          TimeUnit.NANOSECONDS.timedJoin(thread, left);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<String> alive =
        threads.stream().filter(Thread::isAlive).map(Thread::getName).sorted().toList();
    if (!alive.isEmpty()) {
      log.warn("pool {} closed, but its threads {} did not end within {}", poolName, alive, bound);
    }
  }
}
