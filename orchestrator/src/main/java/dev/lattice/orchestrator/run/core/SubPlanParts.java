package dev.lattice.orchestrator.run.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.plan.StepKind;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.plan.SubPlanPart;
import dev.lattice.protocol.run.StepStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The steps a map or loop step adds for one element or iteration (a "part"), and what that part
 * came to. The steps derive from the map or loop step and the index alone, so the event that adds
 * them carries only the index and a replay adds the same ones. Pure.
 */
final class SubPlanParts {
  private SubPlanParts() {}

  /** How a part ended: well ({@code failed} null), or failed by the sub-step {@code failedStep}. */
  record Settled(StepState failed, String failedStep) {
    static final Settled WELL = new Settled(null, null);
  }

  /** The id prefix of part {@code index} of {@code parent}. */
  static String prefix(StepSpec parent, int index) {
    return parent.kind() == StepKind.MAP
        ? SubPlanPart.elementPrefix(parent.id(), index)
        : SubPlanPart.iterationPrefix(parent.id(), index);
  }

  /** The steps part {@code index} of {@code parent} adds, in the sub-plan's order. */
  static List<StepSpec> steps(StepSpec parent, int index) {
    String prefix = prefix(parent, index);
    List<StepSpec> added = new ArrayList<>(parent.steps().size());
    for (StepSpec sub : parent.steps()) {
      List<String> dependsOn = sub.dependsOn().stream().map(d -> prefix + d).toList();
      added.add(
          sub.addedAs(prefix + sub.id(), dependsOn, new SubPlanPart(parent.id(), index, sub.id())));
    }
    return added;
  }

  /** How many parts of {@code parent} the run has added; the latest index, for a loop. */
  static int added(RunState state, StepSpec parent) {
    int latest = -1;
    for (StepSpec step : state.plan().steps()) {
      SubPlanPart part = step.within();
      if (part != null && part.step().equals(parent.id())) {
        latest = Math.max(latest, part.index());
      }
    }
    if (parent.kind() == StepKind.MAP) {
      return latest + 1;
    }
    return Math.max(latest, 0);
  }

  /**
   * How part {@code index} ended, or {@code null} while it goes on. It failed once a sub-step
   * failed for good and nothing of it is still out (the rest waits on what failed); it succeeded
   * once every sub-step succeeded or was skipped.
   */
  static Settled settled(RunState state, StepSpec parent, int index) {
    String prefix = prefix(parent, index);
    StepState failed = null;
    String failedStep = null;
    boolean pending = false;
    for (StepSpec sub : parent.steps()) {
      StepState step = state.step(prefix + sub.id());
      StepStatus status = step.status();
      if (status == StepStatus.FAILED) {
        if (failed == null) {
          failed = step;
          failedStep = sub.id();
        }
      } else if (status == StepStatus.PENDING) {
        pending = true;
      } else if (!status.terminal()) {
        return null;
      }
    }
    if (failed != null) {
      return new Settled(failed, failedStep);
    }
    return pending ? null : Settled.WELL;
  }

  /**
   * A part's result: the output of the sub-plan's one final step (the one no other sub-step depends
   * on); with several final steps, an object of their outputs keyed by sub-step id. A skipped final
   * step gives null, or is left out of the object.
   */
  static JsonNode result(RunState state, StepSpec parent, int index) {
    Set<String> depended = new HashSet<>();
    parent.steps().forEach(s -> depended.addAll(s.dependsOn()));
    List<String> sinks =
        parent.steps().stream().map(StepSpec::id).filter(id -> !depended.contains(id)).toList();
    String prefix = prefix(parent, index);
    if (sinks.size() == 1) {
      JsonNode output = state.step(prefix + sinks.get(0)).output();
      return output == null ? JsonNodeFactory.instance.nullNode() : output;
    }
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    for (String sink : sinks) {
      JsonNode output = state.step(prefix + sink).output();
      if (output != null) {
        result.set(sink, output);
      }
    }
    return result;
  }

  /** The outputs part {@code index} has so far, keyed by sub-step id, in sub-plan order. */
  static Map<String, JsonNode> outputs(RunState state, StepSpec parent, int index) {
    Map<String, JsonNode> outputs = new LinkedHashMap<>();
    String prefix = prefix(parent, index);
    for (StepSpec sub : parent.steps()) {
      StepState step = state.step(prefix + sub.id());
      if (step != null && step.output() != null) {
        outputs.put(sub.id(), step.output());
      }
    }
    return outputs;
  }
}
