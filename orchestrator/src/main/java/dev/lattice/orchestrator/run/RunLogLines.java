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
   * about the same step and attempt, in order. Events below {@code least} cost a type check: no
   * text is made for them, and nothing is allocated when no event is logged.
   */
  static List<RunLogChunk> of(RunId runId, List<RunChange> events, LogLevel least) {
    List<RunLogChunk> chunks = null;
    List<LogLine> lines = null;
    String stepId = null;
    Integer attempt = null;
    for (RunChange event : events) {
      LogLevel level = level(event);
      if (level == null || !level.atLeast(least)) {
        continue;
      }
      if (lines != null
          && !(Objects.equals(stepId, event.stepId())
              && Objects.equals(attempt, event.attempt()))) {
        chunks = added(chunks, new RunLogChunk(runId, RunLogEntry.RUN, stepId, attempt, lines));
        lines = null;
      }
      if (lines == null) {
        lines = new ArrayList<>(2);
      }
      stepId = event.stepId();
      attempt = event.attempt();
      lines.add(new LogLine(event.at(), level, message(event)));
    }
    if (lines != null) {
      chunks = added(chunks, new RunLogChunk(runId, RunLogEntry.RUN, stepId, attempt, lines));
    }
    return chunks == null ? List.of() : chunks;
  }

  private static List<RunLogChunk> added(List<RunLogChunk> chunks, RunLogChunk chunk) {
    List<RunLogChunk> all = chunks == null ? new ArrayList<>(2) : chunks;
    all.add(chunk);
    return all;
  }

  /** The level of {@code event}'s line, or null for an event the run's log leaves to others. */
  static LogLevel level(RunChange event) {
    if (event instanceof RunChange.RunStarted
        || event instanceof RunChange.StepSucceeded
        || event instanceof RunChange.RunCompleted) {
      return LogLevel.DEBUG;
    }
    if (event instanceof RunChange.StepFailed
        || event instanceof RunChange.BudgetExceeded
        || event instanceof RunChange.StepOverridden
        || event instanceof RunChange.ReplanStarted
        || event instanceof RunChange.RunCancelled
        || (event instanceof RunChange.PlannerAsked asked && !asked.errors().isEmpty())) {
      return LogLevel.WARN;
    }
    if (event instanceof RunChange.RunFailed) {
      return LogLevel.ERROR;
    }
    if (event instanceof RunChange.StepRetryScheduled
        || event instanceof RunChange.StepSkipped
        || event instanceof RunChange.StepWaiting
        || event instanceof RunChange.StepSignalled
        || event instanceof RunChange.ToolCallsRequested
        || event instanceof RunChange.PlanAdopted
        || event instanceof RunChange.RunPaused
        || event instanceof RunChange.RunResumed) {
      return LogLevel.INFO;
    }
    return null;
  }

  /** The text of {@code event}'s line; only for an event that has a {@link #level}. */
  static String message(RunChange event) {
    if (event instanceof RunChange.RunStarted started) {
      return "run started: " + started.spec().plan().steps().size() + " steps";
    } else if (event instanceof RunChange.StepSucceeded succeeded) {
      return "succeeded" + by(succeeded.agentId());
    } else if (event instanceof RunChange.StepFailed failed) {
      return "failed"
          + by(failed.agentId())
          + ": "
          + failed.error().errorClass().wire()
          + ": "
          + failed.error().message();
    } else if (event instanceof RunChange.BudgetExceeded exceeded) {
      return budget(exceeded);
    } else if (event instanceof RunChange.StepRetryScheduled retry) {
      return "attempt "
          + retry.attempt()
          + " due at "
          + retry.dueAt()
          + (retry.actor() == null ? "" : ", sent again by " + retry.actor())
          + reason(retry.reason());
    } else if (event instanceof RunChange.StepSkipped skipped) {
      return "skipped" + reason(skipped.reason());
    } else if (event instanceof RunChange.StepWaiting waiting) {
      return waiting(waiting);
    } else if (event instanceof RunChange.StepSignalled signalled) {
      return "signal '"
          + signalled.signal()
          + "' from "
          + signalled.actor()
          + reason(signalled.reason());
    } else if (event instanceof RunChange.StepOverridden overridden) {
      return "output set by " + overridden.actor() + reason(overridden.reason());
    } else if (event instanceof RunChange.ToolCallsRequested requested) {
      return "turn "
          + requested.turn()
          + ": the model asked for "
          + String.join(", ", requested.calls().stream().map(ToolCall::name).toList());
    } else if (event instanceof RunChange.PlannerAsked asked) {
      return "plan of turn "
          + (asked.turn() - 1)
          + " refused, asked again: "
          + String.join("; ", asked.errors());
    } else if (event instanceof RunChange.PlanAdopted adopted) {
      return "plan adopted: " + adopted.plan().steps().size() + " steps";
    } else if (event instanceof RunChange.ReplanStarted replan) {
      return "asking for a new plan (version "
          + replan.version()
          + ") after step "
          + replan.failedStep()
          + " failed";
    } else if (event instanceof RunChange.RunCompleted) {
      return "run completed";
    } else if (event instanceof RunChange.RunFailed failed) {
      return failed(failed.cause());
    } else if (event instanceof RunChange.RunPaused paused) {
      return "paused by " + paused.actor() + reason(paused.reason());
    } else if (event instanceof RunChange.RunResumed resumed) {
      return "resumed by " + resumed.actor() + reason(resumed.reason());
    } else if (event instanceof RunChange.RunCancelled cancelled) {
      return "cancelled by " + cancelled.actor() + reason(cancelled.reason());
    }
    return event.type();
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
