package dev.lattice.orchestrator.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lattice.persistence.runlog.RunLogChunk;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.log.LogLevel;
import dev.lattice.protocol.log.LogLine;
import dev.lattice.protocol.run.RunCause;
import dev.lattice.protocol.run.RunChange;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a run writes to its own log for the events it persisted. */
class RunLogLinesTest {
  private static final RunId RUN = RunId.of("r1");
  private static final Instant AT = Instant.parse("2026-06-01T12:00:00Z");
  private static final AgentId SHELL = AgentId.of("local.shell");

  private static final List<RunChange> WENT_WELL =
      List.of(
          new RunChange.StepSucceeded(
              "a", 1, SHELL, AT, JsonNodeFactory.instance.objectNode(), Usage.NONE, AT),
          new RunChange.RunCompleted(JsonNodeFactory.instance.objectNode(), AT));

  @Test
  void aRunThatGoesWellWritesNothingAtInfo() {
    assertThat(RunLogLines.of(RUN, WENT_WELL, LogLevel.INFO)).isEmpty();
  }

  @Test
  void atDebugItsSuccessesAreWrittenAChunkPerStepAndAttempt() {
    List<RunLogChunk> chunks = RunLogLines.of(RUN, WENT_WELL, LogLevel.DEBUG);

    assertThat(chunks)
        .extracting(c -> c.source() + " " + c.stepId() + " " + c.attempt())
        .containsExactly("run a 1", "run null null");
    assertThat(chunks.get(0).lines())
        .extracting(LogLine::message)
        .containsExactly("succeeded on local.shell");
  }

  @Test
  void aFailureItsRetryAndTheRunsEndAreWarningInfoAndError() {
    List<RunChange> events =
        List.of(
            new RunChange.StepFailed(
                "deploy",
                1,
                SHELL,
                AT,
                StepError.of(ErrorClass.AGENT_ERROR, "exited with 1"),
                Usage.NONE,
                AT),
            new RunChange.StepRetryScheduled("deploy", 2, AT.plusMillis(200), AT),
            new RunChange.RunFailed(
                new RunCause("deploy", ErrorClass.AGENT_ERROR, "exited with 1", 2), AT));

    List<RunLogChunk> chunks = RunLogLines.of(RUN, events, LogLevel.INFO);

    assertThat(chunks)
        .extracting(c -> c.stepId() + "#" + c.attempt() + " " + c.maxLevel().wire())
        .containsExactly("deploy#1 warn", "deploy#2 info", "null#null error");
    assertThat(chunks)
        .flatExtracting(RunLogChunk::lines)
        .extracting(LogLine::message)
        .containsExactly(
            "failed on local.shell: agent_error: exited with 1",
            "attempt 2 due at 2026-06-01T12:00:00.200Z",
            "run failed: step deploy failed after 2 attempts: agent_error: exited with 1");
  }
}
