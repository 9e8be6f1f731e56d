package dev.lattice.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * CPU time of the threads whose names start with given prefixes: what a benchmark's own parts (its
 * HTTP clients, a model server in the same process) spent, to take out of the process's CPU.
 */
final class ThreadCpu {
  private ThreadCpu() {}

  /** Nanoseconds of CPU used so far by the live threads named with one of {@code prefixes}. */
  static long of(List<String> prefixes) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && prefixes.stream().anyMatch(info.getThreadName()::startsWith)) {
        total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return total;
  }

  /** Nanoseconds of CPU the whole process has used so far. */
  static long process() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
