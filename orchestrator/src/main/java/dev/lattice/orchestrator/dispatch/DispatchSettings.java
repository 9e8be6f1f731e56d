package dev.lattice.orchestrator.dispatch;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The {@code lattice.dispatch} settings.
 *
 * @param probeInterval how often a dispatcher with queued work and no agent known to be free tries
 *     its agents again
 * @param finishedMemory how many finished keys a dispatcher remembers to drop late duplicates
 * @param snapshotEvery a dispatcher snapshots its queue after this many events
 * @param recordDelay how long a decision may wait to be recorded together with later ones
 * @param stashCapacity messages a dispatcher holds while its log recovers
 * @param waitWindow queue-wait percentiles cover the waits of the last one to two of these
 */
public record DispatchSettings(
    Duration probeInterval,
    int finishedMemory,
    int snapshotEvery,
    Duration recordDelay,
    int stashCapacity,
    Duration waitWindow) {

  public static DispatchSettings create(Config config) {
    Config c = config.getConfig("lattice.dispatch");
    return new DispatchSettings(
        c.getDuration("probe-interval"),
        c.getInt("finished-memory"),
        c.getInt("snapshot-every"),
        c.getDuration("record-delay"),
        c.getInt("stash-capacity"),
        c.getDuration("wait-window"));
  }
}
