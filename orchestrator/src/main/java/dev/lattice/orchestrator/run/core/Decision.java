package dev.lattice.orchestrator.run.core;

import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.StepStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A decision being made: the events so far, each redacted ({@link RunRedaction}) and applied to a
 * working state so later choices see it as it will be written, and the agent steps dispatched along
 * the way.
 */
final class Decision {
  private final RunRedaction redaction;
  private RunState state;
  private final List<RunChange> events = new ArrayList<>();
  private final Set<String> inputChecked = new HashSet<>();
  private List<String> dispatched = List.of();

  Decision(RunState state, RunRedaction redaction) {
    this.redaction = redaction;
    this.state = state;
    // Steps already dispatched had their input checked when they were.
    for (StepState step : state.stepStates()) {
      if (step.status().out()) {
        inputChecked.add(step.id());
      }
    }
  }

  RunState state() {
    return state;
  }

  void add(RunChange change) {
    RunChange redacted = redaction.apply(change);
    state = state.apply(redacted);
    events.add(redacted);
    // A step's result may write the run's shared state: recorded right after it, in order.
    for (RunChange write : StateWrites.of(redacted)) {
      RunChange entry = redaction.apply(write);
      state = state.apply(entry);
      events.add(entry);
    }
  }

  /** The steps whose input has been checked, those dispatched before this decision included. */
  Set<String> inputChecked() {
    return inputChecked;
  }

  /**
   * Whether {@code stepId}, dispatched, is new to this decision: the first time it is seen, it is
   * noted as dispatched here (every new dispatch has its input checked once, so none is missed).
   */
  boolean newlyDispatched(String stepId) {
    if (!inputChecked.add(stepId)) {
      return false;
    }
    if (dispatched.isEmpty()) {
      dispatched = new ArrayList<>();
    }
    dispatched.add(stepId);
    return true;
  }

  /**
   * The events and what to send after them: a step dispatched here that a later event of the same
   * decision failed, or whose run paused or ended, is not sent.
   */
  Decided decided() {
    if (events.isEmpty()) {
      return Decided.NOTHING;
    }
    if (dispatched.isEmpty() || state.status() != RunStatus.RUNNING) {
      return new Decided(events, List.of());
    }
    // In plan order, as the steps were always sent: one pass of a decision can dispatch a step
    // that comes before one an earlier pass dispatched.
    List<String> toSend = new ArrayList<>(dispatched.size());
    for (StepSpec step : state.plan().steps()) {
      if (dispatched.contains(step.id())
          && state.step(step.id()).status() == StepStatus.DISPATCHED) {
        toSend.add(step.id());
      }
    }
    return new Decided(events, toSend);
  }
}
