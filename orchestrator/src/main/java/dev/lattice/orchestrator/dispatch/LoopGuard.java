package dev.lattice.orchestrator.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.guard.Guarded;
import dev.lattice.orchestrator.guard.GuardedKind;
import dev.lattice.orchestrator.guard.Guardrails;
import dev.lattice.orchestrator.guard.Verdict;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.agent.ToolSpec;
import dev.lattice.protocol.plan.LoopPart;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a dispatcher checks of a tool loop's turns and calls: the node's guardrails on what goes in
 * and comes out, and that every tool a turn offers is described (a capability without a schema
 * cannot be offered as a tool). Plain Java on the dispatcher's thread.
 */
final class LoopGuard {
  private final Guardrails guardrails;
  private final AgentPool pool;

  LoopGuard(Guardrails guardrails, AgentPool pool) {
    this.guardrails = guardrails;
    this.pool = pool;
  }

  /**
   * The findings about what {@code assignment} sends: a turn's conversation, a call's arguments.
   */
  List<Verdict> input(Assignment assignment) {
    LoopPart part = assignment.part();
    if (part == null) {
      return List.of();
    }
    return guardrails.check(
        guarded(
            assignment,
            part.turnStep() ? GuardedKind.MODEL_REQUEST : GuardedKind.TOOL_ARGUMENTS,
            assignment.input()));
  }

  /** The findings about what came back: a turn's answer, a call's result. */
  List<Verdict> output(Assignment assignment, AssignmentResult result) {
    LoopPart part = assignment.part();
    if (part == null || !(result.outcome() instanceof StepOutcome.Succeeded ok)) {
      return List.of();
    }
    return guardrails.check(
        guarded(
            assignment,
            part.turnStep() ? GuardedKind.MODEL_ANSWER : GuardedKind.TOOL_RESULT,
            ok.output()));
  }

  /**
   * The tools a turn offers that no agent describes; empty for anything else. Asked once the agents
   * are known (the dispatcher holds a loop's turns and calls until then).
   */
  List<String> undescribedTools(Assignment assignment) {
    LoopPart part = assignment.part();
    if (part == null || !part.turnStep()) {
      return List.of();
    }
    Map<String, ToolSpec> described = pool.tools();
    List<String> missing = new ArrayList<>();
    for (JsonNode tool : assignment.input().path("tools")) {
      String capability = tool.path("capability").asText(null);
      if (capability != null && !described.containsKey(capability)) {
        missing.add(capability);
      }
    }
    return missing;
  }

  private Guarded guarded(Assignment assignment, GuardedKind kind, JsonNode content) {
    ToolSpec tool =
        kind == GuardedKind.TOOL_ARGUMENTS || kind == GuardedKind.TOOL_RESULT
            ? pool.tools().get(assignment.capability())
            : null;
    return new Guarded(kind, assignment.tenant().value(), assignment.capability(), tool, content);
  }
}
