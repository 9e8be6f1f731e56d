package dev.lattice.orchestrator.http.auth;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * How many event streams each principal holds open on this node, at most {@code max}: one client
 * cannot take the node's connections and followers from everyone else. A stream counts from the
 * moment its response starts to stream until it ends, however it ends, so a client that went away
 * before its answer was sent holds nothing. Counted per node: a cluster behind a load balancer
 * allows a principal that many streams on each node.
 */
public final class StreamLimiter {
  private final int max;
  private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();

  /**
   * @param max streams per principal; 0 for no limit
   */
  public StreamLimiter(int max) {
    this.max = max;
  }

  public int max() {
    return max;
  }

  /** Whether {@code principal} may open another stream now. */
  public boolean admits(Principal principal) {
    if (unlimited(principal)) {
      return true;
    }
    AtomicInteger count = open.get(principal.name());
    return count == null || count.get() < max;
  }

  /**
   * {@code stream}, counted against {@code principal} while it streams. Should the principal have
   * opened its last allowed streams between {@link #admits} and now, the stream fails at once.
   */
  public <T> Source<T, NotUsed> counted(Principal principal, Source<T, NotUsed> stream) {
    if (unlimited(principal)) {
      return stream;
    }
    String name = principal.name();
    return Source.fromMaterializer(
            (materializer, attributes) -> {
              AtomicInteger count = open.computeIfAbsent(name, n -> new AtomicInteger());
              if (count.incrementAndGet() > max) {
                release(name, count);
                return Source.<T>failed(
                    new IllegalStateException(name + " has " + max + " event streams open"));
              }
              return stream.watchTermination(
                  (notUsed, done) -> {
                    done.whenComplete((ok, failure) -> release(name, count));
                    return notUsed;
                  });
            })
        .mapMaterializedValue(ignored -> NotUsed.notUsed());
  }

  /** Streams {@code principal} holds open on this node now. */
  public int open(Principal principal) {
    AtomicInteger count = open.get(principal.name());
    return count == null ? 0 : count.get();
  }

  private void release(String name, AtomicInteger count) {
    if (count.decrementAndGet() <= 0) {
      // Forgotten once at zero, so that principals that come and go leave nothing behind; a
      // stream that starts meanwhile counts on the new entry.
      open.remove(name, count);
    }
  }

  private boolean unlimited(Principal principal) {
    // With authentication off every request is the same principal: counting them all as one
    // would limit the node's streams, which is not what this is for.
    return max <= 0 || principal.source() == Principal.Source.NONE;
  }
}
