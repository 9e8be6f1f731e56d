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

  /** A dispatcher's bus key, {@code service/role/shard/tenant}. */
  public static final String BUS_KEY = "busKey";

  private final Map<String, String> previous = new HashMap<>(4);

  private LogContext() {}

  /** The run's ids in the MDC until closed: {@code tenant}, and {@code stepId} unless null. */
  public static LogContext run(String runId, String tenant, String stepId) {
    LogContext scope = new LogContext();
    scope.put(RUN_ID, runId);
    scope.put(TENANT, tenant);
    scope.put(STEP_ID, stepId);
    return scope;
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
