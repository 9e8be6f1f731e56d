package dev.lattice.protocol.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** Where a member is in its cluster membership lifecycle (Pekko's member status). */
public enum ClusterMemberStatus {
  /** Asked to join; not yet moved up by the leader. */
  JOINING("joining"),
  /** Joined while the cluster could not agree (some member unreachable); up once it can. */
  WEAKLY_UP("weakly_up"),
  /** A full member: hosts shards and agents as its roles say. */
  UP("up"),
  /** Leaving: handing its shards over. */
  LEAVING("leaving"),
  /** Its shards are handed over; about to be removed. */
  EXITING("exiting"),
  /** Marked down (for example by the split brain resolver); it is being removed. */
  DOWN("down"),
  /** No longer a member. */
  REMOVED("removed"),
  /** The whole cluster prepares to shut down. */
  PREPARING_FOR_SHUTDOWN("preparing_for_shutdown"),
  /** Ready for the whole cluster's shutdown. */
  READY_FOR_SHUTDOWN("ready_for_shutdown");

  private final String wire;

  ClusterMemberStatus(String wire) {
    this.wire = wire;
  }

  /** The lower-case name used on the wire. */
  @JsonValue
  public String wire() {
    return wire;
  }

  @JsonCreator
  public static ClusterMemberStatus fromWire(String wire) {
    return Arrays.stream(values())
        .filter(s -> s.wire.equals(wire))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown member status '" + wire + "'"));
  }
}
