package dev.lattice.worker.agent;

import dev.lattice.protocol.agent.BreakerState;
import dev.lattice.protocol.agent.BreakerStatus;
import dev.lattice.protocol.agent.StepOutcome;
import java.time.Duration;
import java.time.Instant;

/**
 * One circuit breaker: closed, it counts consecutive failures; when they reach the limit it opens
 * for a cool-down and refuses assignments; after the cool-down it is half-open and lets exactly one
 * assignment through as the probe, whose success closes it and whose failure opens it again for a
 * longer cool-down.
 *
 * <p>Immutable and pure: time is passed in and nothing is scheduled, so the agent that owns it
 * decides on its own thread and arms its own timer for the end of a cool-down. Only the probe's
 * outcome counts while the breaker is not closed: attempts let through before it opened say nothing
 * about whether the agent has recovered since.
 *
 * @param state closed, open or half-open
 * @param failures consecutive counted failures
 * @param since when it entered its state
 * @param openUntil while open, the end of its cool-down
 * @param coolDown the cool-down it opens (or opened) for
 * @param probe while half-open, the idempotency key of the probe let through, if any
 */
record Breaker(
    BreakerState state,
    int failures,
    Instant since,
    Instant openUntil,
    Duration coolDown,
    String probe) {

  /** What an attempt's outcome says about the agent (or model) that ran it. */
  enum Verdict {
    SUCCESS,
    /** A failure that points at the agent or its endpoint. */
    FAILURE,
    /** A failure of the caller's making (bad input, budget, policy) or a cancellation. */
    NEUTRAL;

    static Verdict of(StepOutcome outcome) {
      if (!(outcome instanceof StepOutcome.Failed failed)) {
        return SUCCESS;
      }
      return switch (failed.error().errorClass()) {
        case AGENT_ERROR, TIMEOUT, RATE_LIMITED, AUTH, MALFORMED_OUTPUT, WORKER_LOST -> FAILURE;
        case INVALID_INPUT,
            BUDGET_EXCEEDED,
            POLICY_DENIED,
            CANCELLED,
            TOOL_LIMIT,
            INVALID_PLAN,
            LOOP_LIMIT,
            UNKNOWN_OUTCOME ->
            NEUTRAL;
      };
    }
  }

  /** A closed breaker with no failures, which would open for {@code coolDown}. */
  static Breaker closed(Instant now, Duration coolDown) {
    return new Breaker(BreakerState.CLOSED, 0, now, null, coolDown, null);
  }

  /**
   * How long until an assignment may pass, or null if one may pass now. A half-open breaker whose
   * probe is out refuses with zero: when it may accept again depends on the probe.
   */
  Duration refusal(Instant now) {
    return switch (state) {
      case CLOSED -> null;
      case OPEN -> now.isBefore(openUntil) ? Duration.between(now, openUntil) : null;
      case HALF_OPEN -> probe == null ? null : Duration.ZERO;
    };
  }

  /**
   * This breaker once the assignment {@code key}, not refused, is let through: past the cool-down
   * it becomes the probe.
   */
  Breaker admit(String key, Instant now) {
    return switch (state) {
      case CLOSED -> this;
      case OPEN, HALF_OPEN -> {
        Breaker halfOpen = due(now);
        yield new Breaker(
            halfOpen.state, halfOpen.failures, halfOpen.since, null, halfOpen.coolDown, key);
      }
    };
  }

  /** Half-open and waiting for a probe if its cool-down has ended by {@code now}; else itself. */
  Breaker due(Instant now) {
    if (state != BreakerState.OPEN || now.isBefore(openUntil)) {
      return this;
    }
    return new Breaker(BreakerState.HALF_OPEN, failures, now, null, coolDown, null);
  }

  /** This breaker after the assignment {@code key} ended with {@code verdict}. */
  Breaker record(String key, Verdict verdict, Instant now, BreakerSettings settings) {
    return switch (state) {
      case CLOSED -> recordClosed(verdict, now, settings);
      case OPEN -> this;
      case HALF_OPEN -> key.equals(probe) ? recordProbe(verdict, now, settings) : this;
    };
  }

  private Breaker recordClosed(Verdict verdict, Instant now, BreakerSettings settings) {
    return switch (verdict) {
      case SUCCESS -> failures == 0 ? this : new Breaker(state, 0, since, null, coolDown, null);
      case NEUTRAL -> this;
      case FAILURE ->
          failures + 1 >= settings.maxFailures()
              ? open(failures + 1, now, coolDown)
              : new Breaker(state, failures + 1, since, null, coolDown, null);
    };
  }

  private Breaker recordProbe(Verdict verdict, Instant now, BreakerSettings settings) {
    return switch (verdict) {
      case SUCCESS -> closed(now, settings.coolDown());
      // A probe cancelled or failed by its input proves nothing: the next assignment probes.
      case NEUTRAL -> new Breaker(state, failures, since, null, coolDown, null);
      case FAILURE -> open(failures + 1, now, settings.nextCoolDown(coolDown));
    };
  }

  private static Breaker open(int failures, Instant now, Duration coolDown) {
    return new Breaker(BreakerState.OPEN, failures, now, now.plus(coolDown), coolDown, null);
  }

  BreakerStatus status() {
    return new BreakerStatus(state, failures, since, openUntil);
  }
}
