package dev.lattice.protocol.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.lattice.protocol.agent.BreakerState;
import dev.lattice.protocol.agent.BreakerStatus;
import java.util.Arrays;

/** Whether a worker agent can take work now, as the agent directory lists it. */
public enum AgentStatus {
  /** It has spare capacity and its own circuit breaker lets work through. */
  AVAILABLE("available"),
  /** It runs as many assignments as it may at once; more wait in their queues. */
  BUSY("busy"),
  /** Its circuit breaker is open: it refuses work until the cool-down ends. */
  BREAKER_OPEN("breaker_open");

  private final String wire;

  AgentStatus(String wire) {
    this.wire = wire;
  }

  /** The status of an agent with {@code load} of {@code maxConcurrent} in flight. */
  public static AgentStatus of(BreakerStatus breaker, int load, int maxConcurrent) {
    if (breaker != null && breaker.state() == BreakerState.OPEN) {
      return BREAKER_OPEN;
    }
    return load >= maxConcurrent ? BUSY : AVAILABLE;
  }

  /** The lower-case name used on the wire. */
  @JsonValue
  public String wire() {
    return wire;
  }

  @JsonCreator
  public static AgentStatus fromWire(String wire) {
    return Arrays.stream(values())
        .filter(s -> s.wire.equals(wire))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown agent status '" + wire + "'"));
  }
}
