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
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a dispatcher checks of the attempts that cross between a model, its tools and the world: the
 * node's guardrails on what a model call (a loop's turn or a plain llm step) sends and answers and
 * on what a loop's tool call is given and returns, and that every tool a turn offers is described
 * (a capability without a schema cannot be offered as a tool). Other steps are the plan author's
 * own, and are not checked. Plain Java on the dispatcher's thread.
 */
final class StepGuard {
  private final Guardrails guardrails;
  private final AgentPool pool;
  private final Predicate<String> callsAModel;

  /**
   * @param callsAModel whether a capability's attempts call a model (the llm action's)
   */
  StepGuard(Guardrails guardrails, AgentPool pool, Predicate<String> callsAModel) {
    this.guardrails = guardrails;
    this.pool = pool;
    this.callsAModel = callsAModel;
  }

  /** The findings about what {@code assignment} sends: a model request, a tool call's arguments. */
  List<Verdict> input(Assignment assignment) {
    return crossing(assignment, GuardedKind.MODEL_REQUEST, GuardedKind.TOOL_ARGUMENTS)
        .map(kind -> guardrails.check(guarded(assignment, kind, assignment.input())))
        .orElse(List.of());
  }

  /** The findings about what came back: a model's answer, a tool call's result. */
  List<Verdict> output(Assignment assignment, AssignmentResult result) {
    if (!(result.outcome() instanceof StepOutcome.Succeeded ok)) {
      return List.of();
    }
    return crossing(assignment, GuardedKind.MODEL_ANSWER, GuardedKind.TOOL_RESULT)
        .map(kind -> guardrails.check(guarded(assignment, kind, ok.output())))
        .orElse(List.of());
  }

  /** Which of {@code ofModel} and {@code ofTool} {@code assignment} crosses; empty for neither. */
  private Optional<GuardedKind> crossing(
      Assignment assignment, GuardedKind ofModel, GuardedKind ofTool) {
    LoopPart part = assignment.part();
    if (part != null) {
      return Optional.of(part.turnStep() ? ofModel : ofTool);
    }
    return callsAModel.test(assignment.capability()) ? Optional.of(ofModel) : Optional.empty();
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
