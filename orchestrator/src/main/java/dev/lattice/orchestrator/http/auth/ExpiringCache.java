package dev.lattice.orchestrator.http.auth;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * A small concurrent cache for the authentication's hot path: each entry until its own deadline, at
 * most {@code maxEntries} of them, the oldest forgotten first. Reads take no lock, so a request
 * whose credentials were seen recently is authenticated without waiting for anything.
 */
final class ExpiringCache<K, V> {
  private record Entry<V>(V value, long deadlineNanos, long seq) {}

  /** A key as it was put, in put order; stale once its key was put again or forgotten. */
  private record Slot<K>(K key, long seq) {}

  private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
  // Put order, for eviction. A slot whose key was put again since, or forgotten, is stale: polling
  // it evicts nothing. Trimmed when it holds twice as many slots as the cache may hold entries.
  private final Queue<Slot<K>> order = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicLong sequence = new AtomicLong();
  private final int maxEntries;
  private final LongSupplier nanos;

  ExpiringCache(int maxEntries, LongSupplier nanos) {
    this.maxEntries = maxEntries;
    this.nanos = nanos;
  }

  ExpiringCache(int maxEntries) {
    this(maxEntries, System::nanoTime);
  }

  /** The value of {@code key}, or null when absent or past its deadline. */
  V get(K key) {
    Entry<V> entry = entries.get(key);
    if (entry == null) {
      return null;
    }
    if (nanos.getAsLong() - entry.deadlineNanos() >= 0) {
      entries.remove(key, entry);
      return null;
    }
    return entry.value();
  }

  /** Remembers {@code value} for {@code key} for {@code ttlNanos}. */
  void put(K key, V value, long ttlNanos) {
    if (ttlNanos <= 0) {
      return;
    }
    long seq = sequence.incrementAndGet();
    entries.put(key, new Entry<>(value, nanos.getAsLong() + ttlNanos, seq));
    order.add(new Slot<>(key, seq));
    queued.incrementAndGet();
    while (entries.size() > maxEntries || queued.get() > 2 * maxEntries) {
      Slot<K> oldest = order.poll();
      if (oldest == null) {
        return;
      }
      queued.decrementAndGet();
      // Only the entry this slot was put for: a key put again since keeps its newer entry.
      entries.computeIfPresent(oldest.key(), (k, e) -> e.seq() == oldest.seq() ? null : e);
    }
  }

  /** Forgets {@code key}. */
  void remove(K key) {
    entries.remove(key);
  }

  /** Forgets every entry whose value matches. */
  void removeIf(Predicate<V> matches) {
    entries.values().removeIf(entry -> matches.test(entry.value()));
  }

  int size() {
    return entries.size();
  }
}
