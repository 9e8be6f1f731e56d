package dev.lattice.protocol.agent;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * The canonical error classes every failure is mapped to. Each has a default retryability, which a
 * step's retry policy may narrow with its non-retryable list.
 */
public enum ErrorClass {
  TIMEOUT("timeout", true),
  AUTH("auth", false),
  RATE_LIMITED("rate_limited", true),
  MALFORMED_OUTPUT("malformed_output", true),
  BUDGET_EXCEEDED("budget_exceeded", false),
  POLICY_DENIED("policy_denied", false),
  WORKER_LOST("worker_lost", true),
  AGENT_ERROR("agent_error", true),
  CANCELLED("cancelled", false),
  INVALID_INPUT("invalid_input", false),
  /** A tool loop reached its most turns or tool calls. */
  TOOL_LIMIT("tool_limit", false),
  /** A planner's plan for a goal was still refused after its last repair. */
  INVALID_PLAN("invalid_plan", false),
  /** A loop step ran its most iterations without its condition holding. */
  LOOP_LIMIT("loop_limit", false),
  /**
   * A call of an unsafe tool left, and its node died before its result was recorded: it may have
   * happened. Never retried by itself; the step waits for a person to say what happened.
   */
  UNKNOWN_OUTCOME("unknown_outcome", false);

  private final String wire;
  private final boolean retryable;

  ErrorClass(String wire, boolean retryable) {
    this.wire = wire;
    this.retryable = retryable;
  }

  /** The lower-case name used on the wire and in events. */
  @JsonValue
  public String wire() {
    return wire;
  }

  /** Whether a failure of this class is retried when the policy does not say otherwise. */
  public boolean retryable() {
    return retryable;
  }

  @JsonCreator
  public static ErrorClass fromWire(String wire) {
    return Arrays.stream(values())
        .filter(c -> c.wire.equals(wire))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown error class '"
                        + wire
                        + "'; expected one of "
                        + Arrays.stream(values()).map(ErrorClass::wire).toList()));
  }
}
