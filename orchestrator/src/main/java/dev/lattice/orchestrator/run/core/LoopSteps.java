package dev.lattice.orchestrator.run.core;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.orchestrator.plan.GateCondition;
import dev.lattice.orchestrator.plan.SubPlanLimits;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.StepStatus;
import java.time.Instant;

/**
 * Decides a loop step: its sub-plan runs once per iteration ({@code iteration_started}, whose steps
 * are {@code L.iN.SUB}), one iteration after the other. When an iteration has settled, the loop's
 * {@code until} condition is evaluated over it: when it holds, the loop succeeds with that
 * iteration's outputs; otherwise the next iteration starts, unless that was the last allowed, which
 * fails the loop with {@code loop_limit}. An iteration with a failed step fails the loop. Every
 * start is journaled, so a run recovered after a crash goes on in the iteration it was in. Pure.
 */
final class LoopSteps {
  private final SubPlanLimits limits;

  LoopSteps(SubPlanLimits limits) {
    this.limits = limits;
  }

  /** Moves {@code loop} on as far as its state allows now; whether it did. */
  boolean advance(Decision decision, StepSpec loop, Instant now) {
    RunState state = decision.state();
    StepStatus status = state.step(loop.id()).status();
    if (status == StepStatus.PENDING) {
      if (!state.ready(loop)) {
        return false;
      }
      decision.add(new RunChange.IterationStarted(loop.id(), 1, now));
      return true;
    }
    if (status != StepStatus.RUNNING) {
      return false;
    }
    int iteration = SubPlanParts.added(state, loop);
    SubPlanParts.Settled settled = SubPlanParts.settled(state, loop, iteration);
    if (settled == null) {
      return false;
    }
    if (settled.failed() != null) {
      StepError cause = settled.failed().error();
      decision.add(
          failed(
              state,
              loop,
              cause.errorClass(),
              "iteration "
                  + iteration
                  + " failed at step '"
                  + settled.failedStep()
                  + "': "
                  + cause.message(),
              now));
      return true;
    }
    boolean done;
    try {
      done =
          GateCondition.compile(loop.until()).evaluate(SubPlanContext.of(state, loop, iteration));
    } catch (IllegalArgumentException e) {
      decision.add(failed(state, loop, ErrorClass.INVALID_INPUT, e.getMessage(), now));
      return true;
    }
    if (done) {
      decision.add(
          new RunChange.StepSucceeded(
              loop.id(),
              1,
              null,
              state.step(loop.id()).startedAt(),
              output(state, loop, iteration),
              Usage.NONE,
              now));
    } else if (iteration >= maxIterations(loop)) {
      decision.add(
          failed(
              state,
              loop,
              ErrorClass.LOOP_LIMIT,
              "loop step '"
                  + loop.id()
                  + "' ran "
                  + iteration
                  + " iterations (maxIterations) and its condition '"
                  + loop.until()
                  + "' never held",
              now));
    } else {
      decision.add(new RunChange.IterationStarted(loop.id(), iteration + 1, now));
    }
    return true;
  }

  private int maxIterations(StepSpec loop) {
    return loop.maxIterations() == null ? limits.maxIterations() : loop.maxIterations();
  }

  /** The loop's output: how many iterations it ran, and the outputs of the last one. */
  private static ObjectNode output(RunState state, StepSpec loop, int iteration) {
    ObjectNode output = JsonNodeFactory.instance.objectNode();
    output.put("iterations", iteration);
    ObjectNode outputs = output.putObject("outputs");
    SubPlanParts.outputs(state, loop, iteration).forEach(outputs::set);
    return output;
  }

  private static RunChange failed(
      RunState state, StepSpec loop, ErrorClass errorClass, String message, Instant now) {
    return new RunChange.StepFailed(
        loop.id(),
        1,
        null,
        state.step(loop.id()).startedAt(),
        StepError.of(errorClass, message),
        Usage.NONE,
        now);
  }
}
