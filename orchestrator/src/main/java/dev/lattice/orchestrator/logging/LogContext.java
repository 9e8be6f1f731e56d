package dev.lattice.orchestrator.logging;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * The names of the ids a node's log lines carry in their MDC where a run's work happens, and a
 * scope that puts some there around a few log calls. Run entities carry {@link #RUN_ID} and
 * dispatchers {@link #BUS_KEY} and {@link #TENANT} for every message (Pekko's {@code
 * Behaviors.withMdc}); a log call about one step adds {@link #STEP_ID} and the run's {@link
 * #TENANT} with a scope, which costs nothing while nothing logs. JSON lines show them under {@code
 * mdc} ({@link RedactingEncoder}). Traces, once a run has them, add {@code traceId} and {@code
 * spanId} the same way.
 */
public final class LogContext implements AutoCloseable {
  /** The run's id. */
  public static final String RUN_ID = "runId";

  /** The step's id. */
  public static final String STEP_ID = "stepId";

  /** The run's (or the dispatcher's) tenant. */
  public static final String TENANT = "tenant";

  /** The run's trace (32 hex digits), as its spans have it. */
  public static final String TRACE_ID = "traceId";

  /** A dispatcher's bus key, {@code service/role/shard/tenant}. */
  public static final String BUS_KEY = "busKey";

  private static final int TRACE_ID_LENGTH = 32;
  // "00-" + 32 + "-" + 16 + "-" + 2.
  private static final int TRACEPARENT_LENGTH = 55;

  private final Map<String, String> previous = new HashMap<>(4);

  private LogContext() {}

  /** The run's ids in the MDC until closed: those that are not null. */
  public static LogContext run(String runId, String tenant, String stepId) {
    return run(runId, tenant, stepId, null);
  }

  /** The run's ids in the MDC until closed, its trace's among them: those that are not null. */
  public static LogContext run(String runId, String tenant, String stepId, String traceId) {
    LogContext scope = new LogContext();
    scope.put(RUN_ID, runId);
    scope.put(TENANT, tenant);
    scope.put(STEP_ID, stepId);
    scope.put(TRACE_ID, traceId);
    return scope;
  }

  /**
   * The trace id of a W3C {@code traceparent} ({@code 00-TRACE-SPAN-FLAGS}, as assignments carry
   * their run's span), or null for none or another shape.
   */
  public static String traceOf(String traceparent) {
    if (traceparent == null
        || traceparent.length() < TRACEPARENT_LENGTH
        || traceparent.charAt(2) != '-'
        || traceparent.charAt(3 + TRACE_ID_LENGTH) != '-') {
      return null;
    }
    return traceparent.substring(3, 3 + TRACE_ID_LENGTH);
  }

  private void put(String key, String value) {
    if (value != null) {
      previous.put(key, MDC.get(key));
      MDC.put(key, value);
    }
  }

  /** Puts back what the MDC held before. */
  @Override
  public void close() {
    previous.forEach(
        (key, value) -> {
          if (value == null) {
            MDC.remove(key);
          } else {
            MDC.put(key, value);
          }
        });
  }
}
