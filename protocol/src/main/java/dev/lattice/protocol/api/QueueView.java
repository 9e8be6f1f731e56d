package dev.lattice.protocol.api;

import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.agent.ErrorClass;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One executor-dispatcher queue.
 *
 * @param busKey its {@code service/role/shard/tenant} key
 * @param queued assignments waiting for an agent
 * @param inFlight assignments handed to an agent and not yet finished
 * @param inFlightByAgent {@code inFlight} by agent id
 * @param queueWait how long assignments waited to be handed to an agent, recently
 * @param failures attempts that finished here with an error, by error class, since the dispatcher
 *     started (classes without failures are absent)
 * @param waiting queued assignments held back by something other than agents' capacity, by reason
 *     (such as {@code rate_limited: provider openai model gpt-4o (500 rpm)}); empty when none is
 */
public record QueueView(
    String busKey,
    int queued,
    int inFlight,
    Map<String, Integer> inFlightByAgent,
    QueueWait queueWait,
    Map<ErrorClass, Long> failures,
    Map<String, Integer> waiting)
    implements CborSerializable {

  /** A queue with nothing held back. */
  public QueueView(
      String busKey,
      int queued,
      int inFlight,
      Map<String, Integer> inFlightByAgent,
      QueueWait queueWait,
      Map<ErrorClass, Long> failures) {
    this(busKey, queued, inFlight, inFlightByAgent, queueWait, failures, Map.of());
  }

  public QueueView {
    inFlightByAgent = Map.copyOf(inFlightByAgent);
    queueWait = queueWait == null ? QueueWait.NONE : queueWait;
    // In the error classes' order, so that the JSON and the text output read the same each time.
    failures = failures == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(failures));
    waiting = waiting == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(waiting));
  }
}
