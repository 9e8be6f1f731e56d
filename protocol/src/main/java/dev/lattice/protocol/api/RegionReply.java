package dev.lattice.protocol.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** What came of asking a member's shard region for its shards. */
public enum RegionReply {
  /** It answered with its shards and their entities. */
  ANSWERED("answered"),
  /** It did not answer in time (the member may be overloaded, or its region stopped). */
  NO_ANSWER("no_answer"),
  /** The reporting node does not reach the member, so it was not asked. */
  UNREACHABLE("unreachable");

  private final String wire;

  RegionReply(String wire) {
    this.wire = wire;
  }

  /** The lower-case name used on the wire. */
  @JsonValue
  public String wire() {
    return wire;
  }

  @JsonCreator
  public static RegionReply fromWire(String wire) {
    return Arrays.stream(values())
        .filter(s -> s.wire.equals(wire))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown region reply '" + wire + "'"));
  }
}
