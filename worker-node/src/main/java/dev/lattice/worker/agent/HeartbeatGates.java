package dev.lattice.worker.agent;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets through a few heartbeats per attempt and heartbeat timeout, on the action's own thread.
 *
 * <p>An action may call {@code heartbeat} in a tight loop; were every call a message, its agent's
 * mailbox would fill faster than the agent can read it, and a cancellation or a new assignment
 * would wait behind millions of beats. The gate drops the surplus before it becomes a message.
 */
final class HeartbeatGates {
  private final Map<String, Gate> gates = new ConcurrentHashMap<>();

  /** Lets heartbeats of the attempt {@code key} through at most once per {@code intervalNanos}. */
  void open(String key, long intervalNanos, long nowNanos) {
    gates.put(key, new Gate(intervalNanos, new AtomicLong(nowNanos + intervalNanos)));
  }

  /** Forgets the attempt {@code key}: its heartbeats go nowhere from now on. */
  void close(String key) {
    gates.remove(key);
  }

  /** Whether a heartbeat of {@code key} at {@code nowNanos} is one to pass on. */
  boolean pass(String key, long nowNanos) {
    Gate gate = gates.get(key);
    if (gate == null) {
      return false;
    }
    long due = gate.next().get();
    return nowNanos - due >= 0 && gate.next().compareAndSet(due, nowNanos + gate.intervalNanos());
  }

  private record Gate(long intervalNanos, AtomicLong next) {}
}
