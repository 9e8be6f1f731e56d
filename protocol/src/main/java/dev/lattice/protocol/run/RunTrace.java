package dev.lattice.protocol.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The trace a run belongs to (W3C Trace Context ids, lower-case hex), recorded with its start: its
 * own span's id, under which every span of its step attempts, model and tool calls hangs, and the
 * span it was started from (an HTTP request's, a parent run's), if any. Recorded, it outlives the
 * node: a run that carries on after a crash on another node continues the same trace.
 *
 * @param traceId 32 hex digits
 * @param spanId the run's span, 16 hex digits
 * @param parentSpanId the span the run was started from, 16 hex digits; null for a trace's root
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunTrace(String traceId, String spanId, String parentSpanId) {
  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern SPAN_ID = Pattern.compile("[0-9a-f]{16}");
  private static final Pattern TRACEPARENT =
      Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}");
  private static final String INVALID_TRACE = "0".repeat(32);
  private static final String INVALID_SPAN = "0".repeat(16);
  private static final int TRACE_BYTES = 16;
  private static final int SPAN_BYTES = 8;
  private static final SecureRandom RANDOM = new SecureRandom();

  public RunTrace {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    if (!TRACE_ID.matcher(traceId).matches() || traceId.equals(INVALID_TRACE)) {
      throw new IllegalArgumentException("not a trace id: " + traceId);
    }
    if (!SPAN_ID.matcher(spanId).matches() || spanId.equals(INVALID_SPAN)) {
      throw new IllegalArgumentException("not a span id: " + spanId);
    }
    if (parentSpanId != null && !SPAN_ID.matcher(parentSpanId).matches()) {
      throw new IllegalArgumentException("not a span id: " + parentSpanId);
    }
  }

  /**
   * The trace of a run started under {@code traceparent} (a W3C {@code traceparent} value: the
   * run's span is its child), or of a new trace when it is null or not a valid one.
   */
  public static RunTrace startedUnder(String traceparent) {
    if (traceparent != null) {
      var m = TRACEPARENT.matcher(traceparent.trim());
      if (m.matches() && !m.group(1).equals(INVALID_TRACE) && !m.group(2).equals(INVALID_SPAN)) {
        return new RunTrace(m.group(1), randomHex(SPAN_BYTES), m.group(2));
      }
    }
    return new RunTrace(randomHex(TRACE_BYTES), randomHex(SPAN_BYTES), null);
  }

  /** The trace of a run started by a step of the run of this trace: a child of its span. */
  public RunTrace child() {
    return new RunTrace(traceId, randomHex(SPAN_BYTES), spanId);
  }

  /** The run's span as a W3C {@code traceparent}: the parent of the spans within the run. */
  public String traceparent() {
    return "00-" + traceId + "-" + spanId + "-01";
  }

  private static String randomHex(int bytes) {
    byte[] id = new byte[bytes];
    do {
      RANDOM.nextBytes(id);
    } while (allZero(id));
    return HexFormat.of().formatHex(id);
  }

  private static boolean allZero(byte[] id) {
    for (byte b : id) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
