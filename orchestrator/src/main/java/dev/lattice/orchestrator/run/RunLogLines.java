package dev.lattice.orchestrator.run;

import dev.lattice.persistence.runlog.RunLogChunk;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.log.LogLevel;
import dev.lattice.protocol.log.LogLine;
import dev.lattice.protocol.log.RunLogEntry;
import dev.lattice.protocol.plan.BudgetAction;
import dev.lattice.protocol.run.RunCause;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a run writes to its own log (source {@code run}) for the events it persisted: its failures,
 * retries, waits, interventions and end, in words. What went well is debug (a step succeeded, the
 * run started and completed), so that with the default stored level a run that goes well writes
 * nothing here. Events that only repeat what an agent or a dispatcher logs (dispatched, started, a
 * rejected answer) write nothing. Pure: the same events give the same lines.
 */
final class RunLogLines {
  private RunLogLines() {}

  /**
   * The chunks of {@code events} of {@code runId} at {@code least} or above: one per run of events
   * about the same step and attempt, in order.
   */
  static List<RunLogChunk> of(RunId runId, List<RunChange> events, LogLevel least) {
    List<RunLogChunk> chunks = new ArrayList<>(2);
    List<LogLine> lines = new ArrayList<>(2);
    String stepId = null;
    Integer attempt = null;
    for (RunChange event : events) {
      LogLine line = line(event);
      if (line == null || !line.level().atLeast(least)) {
        continue;
      }
      if (!lines.isEmpty()
          && !(Objects.equals(stepId, event.stepId())
              && Objects.equals(attempt, event.attempt()))) {
        chunks.add(new RunLogChunk(runId, RunLogEntry.RUN, stepId, attempt, lines));
        lines = new ArrayList<>(2);
      }
      stepId = event.stepId();
      attempt = event.attempt();
      lines.add(line);
    }
    if (!lines.isEmpty()) {
      chunks.add(new RunLogChunk(runId, RunLogEntry.RUN, stepId, attempt, lines));
    }
    return chunks;
  }

  /** The line of {@code event}, or null for an event the run's log leaves to others. */
  static LogLine line(RunChange event) {
    if (event instanceof RunChange.RunStarted started) {
      return debug(event, "run started: " + started.spec().plan().steps().size() + " steps");
    } else if (event instanceof RunChange.StepSucceeded succeeded) {
      return debug(event, "succeeded" + by(succeeded.agentId()));
    } else if (event instanceof RunChange.StepFailed failed) {
      return new LogLine(
          event.at(),
          LogLevel.WARN,
          "failed"
              + by(failed.agentId())
              + ": "
              + failed.error().errorClass().wire()
              + ": "
              + failed.error().message());
    } else if (event instanceof RunChange.BudgetExceeded exceeded) {
      return new LogLine(event.at(), LogLevel.WARN, budget(exceeded));
    } else if (event instanceof RunChange.StepRetryScheduled retry) {
      return info(
          event,
          "attempt "
              + retry.attempt()
              + " due at "
              + retry.dueAt()
              + (retry.actor() == null ? "" : ", sent again by " + retry.actor())
              + reason(retry.reason()));
    } else if (event instanceof RunChange.StepSkipped skipped) {
      return info(event, "skipped" + reason(skipped.reason()));
    } else if (event instanceof RunChange.StepWaiting waiting) {
      return info(event, waiting(waiting));
    } else if (event instanceof RunChange.StepSignalled signalled) {
      return info(
          event,
          "signal '"
              + signalled.signal()
              + "' from "
              + signalled.actor()
              + reason(signalled.reason()));
    } else if (event instanceof RunChange.StepOverridden overridden) {
      return new LogLine(
          event.at(),
          LogLevel.WARN,
          "output set by " + overridden.actor() + reason(overridden.reason()));
    } else if (event instanceof RunChange.ToolCallsRequested requested) {
      return info(
          event,
          "turn "
              + requested.turn()
              + ": the model asked for "
              + String.join(", ", requested.calls().stream().map(ToolCall::name).toList()));
    } else if (event instanceof RunChange.PlannerAsked asked && !asked.errors().isEmpty()) {
      return new LogLine(
          event.at(),
          LogLevel.WARN,
          "plan of turn "
              + (asked.turn() - 1)
              + " refused, asked again: "
              + String.join("; ", asked.errors()));
    } else if (event instanceof RunChange.PlanAdopted adopted) {
      return info(event, "plan adopted: " + adopted.plan().steps().size() + " steps");
    } else if (event instanceof RunChange.ReplanStarted replan) {
      return new LogLine(
          event.at(),
          LogLevel.WARN,
          "asking for a new plan (version "
              + replan.version()
              + ") after step "
              + replan.failedStep()
              + " failed");
    } else if (event instanceof RunChange.RunCompleted) {
      return debug(event, "run completed");
    } else if (event instanceof RunChange.RunFailed failed) {
      return new LogLine(event.at(), LogLevel.ERROR, failed(failed.cause()));
    } else if (event instanceof RunChange.RunPaused paused) {
      return info(event, "paused by " + paused.actor() + reason(paused.reason()));
    } else if (event instanceof RunChange.RunResumed resumed) {
      return info(event, "resumed by " + resumed.actor() + reason(resumed.reason()));
    } else if (event instanceof RunChange.RunCancelled cancelled) {
      return new LogLine(
          event.at(),
          LogLevel.WARN,
          "cancelled by " + cancelled.actor() + reason(cancelled.reason()));
    }
    return null;
  }

  private static LogLine debug(RunChange event, String message) {
    return new LogLine(event.at(), LogLevel.DEBUG, message);
  }

  private static LogLine info(RunChange event, String message) {
    return new LogLine(event.at(), LogLevel.INFO, message);
  }

  private static String by(Object agentId) {
    return agentId == null ? "" : " on " + agentId;
  }

  private static String reason(String reason) {
    return reason == null || reason.isBlank() ? "" : ": " + reason;
  }

  private static String waiting(RunChange.StepWaiting waiting) {
    if (waiting.signal() == null) {
      return "waiting until " + waiting.until();
    }
    return "waiting for signal '"
        + waiting.signal()
        + "'"
        + (waiting.until() == null ? "" : " until " + waiting.until());
  }

  private static String budget(RunChange.BudgetExceeded exceeded) {
    // The figures are in the event and the dispatcher's decision; the log says what follows.
    return exceeded.figures().scope().wire()
        + " budget exceeded: "
        + (exceeded.action() == BudgetAction.PAUSE
            ? "the run pauses for approval"
            : "the step fails");
  }

  private static String failed(RunCause cause) {
    if (cause == null) {
      return "run failed";
    }
    String where =
        cause.stepId() == null
            ? ""
            : ": step "
                + cause.stepId()
                + " failed after "
                + cause.attempts()
                + (cause.attempts() == 1 ? " attempt" : " attempts");
    return "run failed"
        + where
        + (cause.errorClass() == null ? "" : ": " + cause.errorClass().wire())
        + (cause.message() == null ? "" : ": " + cause.message());
  }
}
