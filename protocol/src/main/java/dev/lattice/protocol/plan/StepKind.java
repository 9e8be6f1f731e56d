package dev.lattice.protocol.plan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** What a step does and who executes it. */
public enum StepKind {
  /** Dispatched through the executor-dispatcher to a worker agent with the step's capability. */
  AGENT("agent"),
  /** Pure data reshaping (a JSONata expression) evaluated by the run itself. */
  TRANSFORM("transform"),
  /** A predicate (a CEL expression) that lets its dependents run, skips them, or fails the run. */
  GATE("gate"),
  /** A durable timer or a named signal such as a human approval. */
  WAIT("wait"),
  /** A webhook call. */
  NOTIFY("notify"),
  /**
   * A planner: a model that turns the run's goal into the plan the run goes on with. The run of a
   * goal starts with one; a plan sent to Lattice cannot name it.
   */
  PLAN("plan"),
  /** A sub-plan run once for every element of a list, a few elements at a time. */
  MAP("map"),
  /** A sub-plan run again and again until a CEL condition holds. */
  LOOP("loop"),
  /**
   * A child run, of a plan, an intent or a goal: a run of its own, with its own events and a budget
   * carved out of this run's, that this step waits for.
   */
  RUN("run");

  private final String wire;

  StepKind(String wire) {
    this.wire = wire;
  }

  /** Whether steps of this kind run a sub-plan, as steps the run adds while it goes. */
  public boolean runsSubPlan() {
    return this == MAP || this == LOOP;
  }

  /**
   * Whether steps of this kind are sent out and answered with a result: to a worker agent through a
   * dispatcher, or to a child run.
   */
  public boolean sent() {
    return this == AGENT || this == RUN;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  @JsonCreator
  public static StepKind fromWire(String wire) {
    return Arrays.stream(values())
        .filter(k -> k.wire.equals(wire))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown step kind '"
                        + wire
                        + "'; expected one of "
                        + Arrays.stream(values()).map(StepKind::wire).toList()));
  }
}
