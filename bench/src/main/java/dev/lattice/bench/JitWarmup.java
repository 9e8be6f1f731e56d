package dev.lattice.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;

/**
 * Warms a workload up until the JIT compilers have finished with it, so that rounds measure
 * compiled code rather than the compilers. A node runs a lot of code (actors, sharding,
 * persistence, serialisation, the database): measured on 2 cores, the C2 compiler still took 5–60 %
 * of a core after 30 s of W at C=64, and rounds that followed a fixed 2,000-run warm-up ran at
 * 60–70 % of the speed they reached once it was quiet.
 *
 * <p>After the minimum runs, warm-up goes on in batches of about {@link #BATCH} each, until the
 * compilers used less than {@link #QUIET_SHARE} of a batch's time, or until the time limit.
 */
final class JitWarmup {
  /** Length of one warm-up batch, the window over which the JIT's activity is judged. */
  static final Duration BATCH = Duration.ofSeconds(2);

  /** Share of a batch's wall time the compilers may use for the JIT to count as quiet. */
  static final double QUIET_SHARE = 0.03;

  /** Fewest runs in a batch, so that a slow workload's batch still says something. */
  private static final int MIN_BATCH_RUNS = 50;

  /** Drives {@code runs} runs of the workload and returns the seconds they took. */
  interface Driver {
    double drive(int runs) throws Exception;
  }

  /** What the warm-up did: runs, seconds, and the compilers' share of its last batch. */
  record Result(int runs, double seconds, double lastCompileShare, boolean quiet) {
    String describe() {
      return String.format(
          Locale.ROOT,
          "warm-up: %d runs in %.1f s; the JIT compilers used %.1f %% of the last batch's time%s",
          runs,
          seconds,
          100 * lastCompileShare,
          quiet ? "" : " (not yet quiet at the time limit: figures may be low)");
    }
  }

  private JitWarmup() {}

  static Result run(Driver driver, int minimumRuns, Duration limit) throws Exception {
    CompilationMXBean compilation = ManagementFactory.getCompilationMXBean();
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    double seconds = driver.drive(minimumRuns);
    int runs = minimumRuns;
    double rate = minimumRuns / Math.max(seconds, 1e-3);
    double share = 1;
    while (System.nanoTime() < deadline) {
      int batch = Math.max(MIN_BATCH_RUNS, (int) (rate * BATCH.toNanos() / 1e9));
      long compiledBefore = compilation.getTotalCompilationTime();
      double batchSeconds = driver.drive(batch);
      long compiledMillis = compilation.getTotalCompilationTime() - compiledBefore;
      runs += batch;
      rate = batch / Math.max(batchSeconds, 1e-3);
      share = compiledMillis / (batchSeconds * 1000);
      if (share < QUIET_SHARE) {
        return new Result(runs, (System.nanoTime() - start) / 1e9, share, true);
      }
    }
    return new Result(runs, (System.nanoTime() - start) / 1e9, share, false);
  }
}
