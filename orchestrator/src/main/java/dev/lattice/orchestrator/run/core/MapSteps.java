package dev.lattice.orchestrator.run.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.orchestrator.plan.SubPlanLimits;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.plan.ElementFailure;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.StepStatus;
import java.time.Instant;
import java.util.Locale;

/**
 * Decides a map step: its sub-plan runs once for every element of the list its input resolves to,
 * at most {@code concurrency} elements at a time. Elements start in the list's order ({@code
 * element_started}, whose steps are {@code M.INDEX.SUB}); each time one settles, the next starts.
 * When every element has settled, the map succeeds with their results in the list's order. An
 * element that fails fails the map at once, or, with {@code onElementFailure: collect}, takes its
 * place in the output as {@code {"error": {...}}}. Every start is journaled, so a run recovered
 * after a crash goes on with the elements it had not finished. Pure.
 */
final class MapSteps {
  private final SubPlanLimits limits;

  MapSteps(SubPlanLimits limits) {
    this.limits = limits;
  }

  /** Moves {@code map} on as far as its state allows now; whether it did. */
  boolean advance(Decision decision, StepSpec map, Instant now) {
    RunState state = decision.state();
    StepStatus status = state.step(map.id()).status();
    if (status == StepStatus.PENDING) {
      return state.ready(map) && start(decision, map, now);
    }
    if (status != StepStatus.RUNNING) {
      return false;
    }
    int size = StepInput.resolve(state, map).size();
    int started = SubPlanParts.added(state, map);
    int running = 0;
    for (int index = 0; index < started; index++) {
      SubPlanParts.Settled settled = SubPlanParts.settled(state, map, index);
      if (settled == null) {
        running++;
      } else if (settled.failed() != null && map.onElementFailure() != ElementFailure.COLLECT) {
        decision.add(failed(state, map, index, settled, now));
        return true;
      }
    }
    if (started == size && running == 0) {
      decision.add(
          new RunChange.StepSucceeded(
              map.id(),
              1,
              null,
              state.step(map.id()).startedAt(),
              results(state, map, size),
              Usage.NONE,
              now));
      return true;
    }
    boolean changed = false;
    for (int next = started; next < size && running < concurrency(map); next++, running++) {
      decision.add(new RunChange.ElementStarted(map.id(), next, now));
      changed = true;
    }
    return changed;
  }

  /** The map's list resolves: its first elements start, or it ends at once. */
  private boolean start(Decision decision, StepSpec map, Instant now) {
    JsonNode list;
    try {
      list = StepInput.resolve(decision.state(), map);
    } catch (IllegalArgumentException e) {
      decision.add(StepInput.invalid(map.id(), 1, e, now));
      return true;
    }
    String problem = problem(map, list);
    if (problem != null) {
      decision.add(
          new RunChange.StepFailed(
              map.id(),
              1,
              null,
              null,
              StepError.of(ErrorClass.INVALID_INPUT, problem),
              Usage.NONE,
              now));
      return true;
    }
    if (list.isEmpty()) {
      decision.add(new RunChange.StepSucceeded(map.id(), 1, null, null, list, Usage.NONE, now));
      return true;
    }
    for (int index = 0; index < Math.min(list.size(), concurrency(map)); index++) {
      decision.add(new RunChange.ElementStarted(map.id(), index, now));
    }
    return true;
  }

  /** Every element's result, or its error, in the list's order: once all have settled. */
  private static ArrayNode results(RunState state, StepSpec map, int size) {
    ArrayNode results = JsonNodeFactory.instance.arrayNode();
    for (int index = 0; index < size; index++) {
      SubPlanParts.Settled settled = SubPlanParts.settled(state, map, index);
      results.add(
          settled.failed() == null ? SubPlanParts.result(state, map, index) : failure(settled));
    }
    return results;
  }

  /** Why {@code map} cannot run over {@code list}, or {@code null}. */
  private String problem(StepSpec map, JsonNode list) {
    if (list == null || !list.isArray()) {
      return "map step '"
          + map.id()
          + "' runs over a list, but its input is "
          + (list == null ? "missing" : list.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    if (list.size() > limits.maxElements()) {
      return "map step '"
          + map.id()
          + "' has "
          + list.size()
          + " elements; at most "
          + limits.maxElements()
          + " are allowed (lattice.run.sub-plan.max-elements)";
    }
    if ((long) list.size() * map.steps().size() > limits.maxAddedSteps()) {
      return "map step '"
          + map.id()
          + "' would add "
          + (long) list.size() * map.steps().size()
          + " steps ("
          + list.size()
          + " elements of "
          + map.steps().size()
          + "); at most "
          + limits.maxAddedSteps()
          + " are allowed (lattice.run.sub-plan.max-added-steps)";
    }
    return null;
  }

  private int concurrency(StepSpec map) {
    return map.concurrency() == null ? limits.defaultConcurrency() : map.concurrency();
  }

  /** A failed element's place in a collecting map's output. */
  private static JsonNode failure(SubPlanParts.Settled settled) {
    ObjectNode error = JsonNodeFactory.instance.objectNode();
    ObjectNode detail = error.putObject("error");
    detail.put("step", settled.failedStep());
    detail.put("errorClass", settled.failed().error().errorClass().wire());
    detail.put("message", settled.failed().error().message());
    return error;
  }

  private static RunChange failed(
      RunState state, StepSpec map, int index, SubPlanParts.Settled settled, Instant now) {
    StepError cause = settled.failed().error();
    String message =
        "element " + index + " failed at step '" + settled.failedStep() + "': " + cause.message();
    return new RunChange.StepFailed(
        map.id(),
        1,
        null,
        state.step(map.id()).startedAt(),
        StepError.of(cause.errorClass(), message),
        Usage.NONE,
        now);
  }
}
