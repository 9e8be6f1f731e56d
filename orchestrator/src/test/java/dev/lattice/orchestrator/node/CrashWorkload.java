package dev.lattice.orchestrator.node;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.testing.ExecutionLog;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.AgentAction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The runs of {@link DurableCrashIT}: seven kinds, chosen so that at the kill most of them wait for
 * something durable (a timer, a signal, a retry's backoff, a slow attempt), and what each kind must
 * end as. Every agent step runs {@link #action}, which logs each execution so the test can count
 * repeated ones across both processes.
 */
final class CrashWorkload {
  /** The capability of every agent step of the workload. */
  static final String CAPABILITY = "work";

  /** Enough for every run's agent step at once: none waits in a queue for a free slot. */
  static final int MAX_CONCURRENT = 256;

  static final String SIGNAL = "approve";

  /**
   * The workload's agent fails on purpose, many times at once: a circuit breaker would hold every
   * run for its cool-down, which is not what the crash test is about.
   */
  static final Config NODE_CONFIG =
      ConfigFactory.parseString("lattice.worker.breaker.enabled = off");

  /** Wait steps wait from 4 s to 21 s: all wait at the kill, some fall due while no node runs. */
  private static final long SHORTEST_TIMER_MS = 4_000;

  private static final int TIMER_SPREAD = 18;

  /** Signals time out after 8 s to 12 s: around the time the second node comes up. */
  private static final long SIGNAL_TIMEOUT_MS = 8_000;

  private static final int SIGNAL_TIMEOUT_SPREAD = 5;

  /** Backoffs of seconds: retrying runs are between attempts when the node is killed. */
  private static final String RETRY =
      "'initialBackoffMs': 3000, 'maxBackoffMs': 10000, 'multiplier': 2.0, 'jitter': 0.2";

  /** Slow first steps, up to 3.8 s: some plain runs are running, some done at the kill. */
  private static final long PLAIN_DELAY_STEP_MS = 200;

  private static final int PLAIN_SPREAD = 20;

  /** What a run does, how many of the 200 do it, and how it must end. */
  enum Kind {
    /** A step, then a timer. */
    TIMER(60, RunStatus.COMPLETED),
    /** Waits for the signal, then a step; signalled after the restart. */
    SIGNAL(30, RunStatus.COMPLETED),
    /** Two approvals in parallel branches, then a join: one before the kill, one after. */
    TWO_SIGNALS(10, RunStatus.COMPLETED),
    /** Waits for a signal that never comes, until its timeout fails the run. */
    SIGNAL_TIMEOUT(10, RunStatus.FAILED),
    /** A step that fails twice with a retryable error, then succeeds on its third attempt. */
    RETRY(40, RunStatus.COMPLETED),
    /** A step that fails every one of its three attempts. */
    RETRY_EXHAUSTED(10, RunStatus.FAILED),
    /** Two steps, the first slow. */
    PLAIN(40, RunStatus.COMPLETED);

    final int runs;
    final RunStatus ends;

    Kind(int runs, RunStatus ends) {
      this.runs = runs;
      this.ends = ends;
    }
  }

  /** One run to start. */
  record Planned(Kind kind, ExecuteRequest request) {}

  private CrashWorkload() {}

  /** Every run of the workload, kinds interleaved so that each is started throughout. */
  static List<Planned> runs() {
    List<List<Planned>> byKind = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      List<Planned> runs = new ArrayList<>();
      for (int i = 0; i < kind.runs; i++) {
        runs.add(new Planned(kind, request(kind, i)));
      }
      byKind.add(runs);
    }
    List<Planned> interleaved = new ArrayList<>();
    for (int i = 0; interleaved.size() < total(); i++) {
      for (List<Planned> runs : byKind) {
        if (i < runs.size()) {
          interleaved.add(runs.get(i));
        }
      }
    }
    return interleaved;
  }

  static int total() {
    int total = 0;
    for (Kind kind : Kind.values()) {
      total += kind.runs;
    }
    return total;
  }

  private static ExecuteRequest request(Kind kind, int i) {
    String steps =
        switch (kind) {
          case TIMER ->
              "{'id': 'prep', 'capability': 'work'},"
                  + " {'id': 'nap', 'kind': 'wait', 'dependsOn': ['prep'], 'durationMs': "
                  + (SHORTEST_TIMER_MS + (i % TIMER_SPREAD) * 1_000)
                  + "}";
          case SIGNAL ->
              "{'id': 'approval', 'kind': 'wait', 'signal': 'approve'},"
                  + " {'id': 'ship', 'capability': 'work', 'dependsOn': ['approval']}";
          case TWO_SIGNALS ->
              "{'id': 'legal', 'kind': 'wait', 'signal': 'approve'},"
                  + " {'id': 'finance', 'kind': 'wait', 'signal': 'approve'},"
                  + " {'id': 'ship', 'capability': 'work', 'dependsOn': ['legal', 'finance']}";
          case SIGNAL_TIMEOUT ->
              "{'id': 'approval', 'kind': 'wait', 'signal': 'approve', 'durationMs': "
                  + (SIGNAL_TIMEOUT_MS + (i % SIGNAL_TIMEOUT_SPREAD) * 1_000)
                  + "}, {'id': 'ship', 'capability': 'work', 'dependsOn': ['approval']}";
          case RETRY ->
              "{'id': 'flaky', 'capability': 'work', 'input': {'failFirst': 2},"
                  + " 'retry': {'maxAttempts': 4, "
                  + RETRY
                  + "}}";
          case RETRY_EXHAUSTED ->
              "{'id': 'flaky', 'capability': 'work', 'input': {'failFirst': 99},"
                  + " 'retry': {'maxAttempts': 3, "
                  + RETRY
                  + "}}";
          case PLAIN ->
              "{'id': 'slow', 'capability': 'work', 'input': {'delayMs': "
                  + (i % PLAIN_SPREAD) * PLAIN_DELAY_STEP_MS
                  + "}}, {'id': 'done', 'capability': 'work', 'dependsOn': ['slow']}";
        };
    return ExecuteRequest.plan(
        plan("{'steps': [" + steps + "]}"), json("{'kind': '" + kind + "', 'n': " + i + "}"));
  }

  /**
   * The action of every agent step: logs the attempt, waits {@code input.delayMs}, then fails with
   * a retryable error while the attempt is at most {@code input.failFirst}, or returns its input.
   */
  static AgentAction action(ExecutionLog log) {
    return (request, context) -> {
      log.started(request.idempotencyKey());
      long delay = request.input().path("delayMs").asLong(0);
      int failFirst = request.input().path("failFirst").asInt(0);
      return CompletableFuture.supplyAsync(
          () -> {
            log.ended(request.idempotencyKey());
            if (request.attempt() <= failFirst) {
              throw new ActionException(
                  ErrorClass.AGENT_ERROR, "attempt " + request.attempt() + " fails on purpose");
            }
            return ActionResult.of(request.input());
          },
          CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS));
    };
  }
}
