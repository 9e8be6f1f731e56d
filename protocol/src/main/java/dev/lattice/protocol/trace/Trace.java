package dev.lattice.protocol.trace;

import java.util.concurrent.ConcurrentLinkedQueue;

/** TEMPORARY latency tracing. */
public final class Trace {
  public static final boolean ON = Boolean.getBoolean("trace");
  public static final ConcurrentLinkedQueue<String> LOG = new ConcurrentLinkedQueue<>();
  public static volatile boolean active;

  public static void mark(String label) {
    if (ON && active) LOG.add(System.nanoTime() + " " + label);
  }
}
