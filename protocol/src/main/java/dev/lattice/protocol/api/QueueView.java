package dev.lattice.protocol.api;

import dev.lattice.protocol.CborSerializable;
import java.util.Map;

/**
 * One executor-dispatcher queue.
 *
 * @param busKey its {@code service/role/shard/tenant} key
 * @param queued assignments waiting for an agent
 * @param inFlight assignments handed to an agent and not yet finished
 * @param inFlightByAgent {@code inFlight} by agent id
 */
public record QueueView(
    String busKey, int queued, int inFlight, Map<String, Integer> inFlightByAgent)
    implements CborSerializable {
  public QueueView {
    inFlightByAgent = Map.copyOf(inFlightByAgent);
  }
}
