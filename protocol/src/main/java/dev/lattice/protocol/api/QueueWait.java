package dev.lattice.protocol.api;

import dev.lattice.protocol.CborSerializable;

/**
 * How long a queue's assignments waited between being accepted by their dispatcher and being handed
 * to an agent, over its recent waits (see {@code lattice.dispatch.wait-window}).
 *
 * @param count the waits measured
 * @param p50Ms the median wait, in milliseconds (0 when none was measured)
 * @param p90Ms the 90th percentile, in milliseconds
 * @param p99Ms the 99th percentile, in milliseconds
 */
public record QueueWait(long count, double p50Ms, double p90Ms, double p99Ms)
    implements CborSerializable {
  public static final QueueWait NONE = new QueueWait(0, 0, 0, 0);
}
