package dev.lattice.orchestrator.mcp;

import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepStatus;
import dev.lattice.protocol.run.StepView;
import java.util.List;

/** The status of an MCP task, from the state of the run behind it. */
enum TaskStatus {
  WORKING("working"),
  INPUT_REQUIRED("input_required"),
  COMPLETED("completed"),
  FAILED("failed"),
  CANCELLED("cancelled");

  private final String wire;

  TaskStatus(String wire) {
    this.wire = wire;
  }

  String wire() {
    return wire;
  }

  boolean terminal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }

  /**
   * A queued, running or paused run is working, unless one of its steps waits for a signal (a
   * person's approval): then the run needs the client's input.
   */
  static TaskStatus of(RunView run) {
    return switch (run.status()) {
      case COMPLETED -> COMPLETED;
      case FAILED -> FAILED;
      case CANCELLED -> CANCELLED;
      case QUEUED, RUNNING, PAUSED -> waitingForSignal(run).isEmpty() ? WORKING : INPUT_REQUIRED;
    };
  }

  /** The steps of {@code run} that wait for a signal now. */
  static List<StepView> waitingForSignal(RunView run) {
    return run.steps().stream()
        .filter(step -> step.status() == StepStatus.WAITING && step.signal() != null)
        .toList();
  }
}
