package dev.lattice.orchestrator.run.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.orchestrator.plan.InputTemplate;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.plan.LoopPart;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.StepStatus;
import dev.lattice.protocol.run.ToolCall;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides the tool loop of an llm step that offers tools. The loop is a sequence of steps the run
 * adds as it goes: turn 1 ({@code S.t1}) is sent the conversation; when it answers with tool calls,
 * one step per call ({@code S.t1.c1}, ...) runs at once, through the dispatchers like any step
 * (allow-lists, budgets, breakers, retries); when every call has settled, turn 2 is sent the
 * conversation with their results, and so on until a turn answers without tool calls, which ends
 * the loop's step with that answer. Each turn's answer and each call's result is journaled once, so
 * a run recovered after a crash goes on at the first unfinished turn or call. Pure.
 */
final class ToolLoops {
  private final ToolLoopSettings settings;

  ToolLoops(ToolLoopSettings settings) {
    this.settings = settings;
  }

  /** Moves the loop of {@code loop} on as far as its state allows now; whether it did. */
  boolean advance(Decision decision, StepSpec loop, Instant now) {
    RunState state = decision.state();
    StepState current = state.step(loop.id());
    if (current.status() == StepStatus.PENDING) {
      if (!state.ready(loop)) {
        return false;
      }
      decision.add(new RunChange.ToolTurnStarted(loop.id(), 1, now));
      return true;
    }
    if (current.status() != StepStatus.RUNNING) {
      return false;
    }
    int turn = latestTurn(state, loop.id());
    StepState answered = state.step(LoopPart.turnId(loop.id(), turn));
    if (answered.status() == StepStatus.FAILED) {
      decision.add(ended(loop, answered, null, answered.error(), now));
      return true;
    }
    if (answered.status() != StepStatus.SUCCEEDED) {
      return false;
    }
    List<StepSpec> calls = callsOf(state, loop.id(), turn);
    if (calls.isEmpty()) {
      return answer(decision, loop, turn, answered, now);
    }
    for (StepSpec call : calls) {
      StepStatus status = state.step(call.id()).status();
      if (status != StepStatus.SUCCEEDED && status != StepStatus.FAILED) {
        return false;
      }
    }
    decision.add(new RunChange.ToolTurnStarted(loop.id(), turn + 1, now));
    return true;
  }

  /** Turn {@code turn} answered: the loop ends with the answer, or its tool calls are made. */
  private boolean answer(
      Decision decision, StepSpec loop, int turn, StepState answered, Instant now) {
    JsonNode asked = answered.output().path("toolCalls");
    if (!asked.isArray() || asked.isEmpty()) {
      decision.add(ended(loop, answered, finalOutput(answered.output(), turn), null, now));
      return true;
    }
    int maxTurns = loop.maxTurns() == null ? settings.maxTurns() : loop.maxTurns();
    int maxCalls = loop.maxToolCalls() == null ? settings.maxToolCalls() : loop.maxToolCalls();
    int made = callsMade(decision.state(), loop.id());
    String limit = null;
    if (turn >= maxTurns) {
      limit =
          "the model asked for tools in turn " + turn + ", its last (maxTurns " + maxTurns + ")";
    } else if (made + asked.size() > maxCalls) {
      limit =
          "the model asked for "
              + asked.size()
              + " tool calls after "
              + made
              + ", past maxToolCalls "
              + maxCalls;
    }
    if (limit != null) {
      decision.add(ended(loop, answered, null, StepError.of(ErrorClass.TOOL_LIMIT, limit), now));
      return true;
    }
    List<ToolCall> calls = calls(loop, turn, asked);
    decision.add(new RunChange.ToolCallsRequested(loop.id(), turn, calls, now));
    for (ToolCall call : calls) {
      if (call.refusal() != null) {
        // Never sent: the model is told why in the next turn.
        decision.add(
            new RunChange.StepFailed(
                call.stepId(),
                1,
                null,
                null,
                StepError.of(ErrorClass.INVALID_INPUT, call.refusal()),
                Usage.NONE,
                now));
      }
    }
    return true;
  }

  private static List<ToolCall> calls(StepSpec loop, int turn, JsonNode asked) {
    ToolNames names = ToolNames.of(loop.tools());
    List<ToolCall> calls = new ArrayList<>(asked.size());
    for (int i = 0; i < asked.size(); i++) {
      JsonNode call = asked.get(i);
      String name = call.path("name").asText(null);
      String capability = names.capability(name);
      JsonNode arguments = call.get("arguments");
      String refusal = null;
      if (capability == null) {
        refusal = "there is no tool named '" + name + "'; the tools are " + names.byName().keySet();
      } else if (arguments == null || !arguments.isObject()) {
        refusal = "the arguments of a call of '" + name + "' must be a JSON object";
      } else if (InputTemplate.namesSecret(arguments)) {
        // Only a plan's author may name a secret: a model talked into it would send it anywhere.
        refusal =
            "the arguments of a tool call may not name a secret ("
                + InputTemplate.SECRET_REFERENCE
                + ")";
      }
      String id = call.path("id").asText("call_" + (i + 1));
      calls.add(
          new ToolCall(
              id,
              name,
              capability,
              LoopPart.callId(loop.id(), turn, i + 1),
              arguments != null && arguments.isObject() ? arguments : null,
              refusal));
    }
    return calls;
  }

  /** The loop step's end: its output when it succeeded, its error when it failed. */
  private static RunChange ended(
      StepSpec loop, StepState turn, JsonNode output, StepError error, Instant now) {
    if (error != null) {
      return new RunChange.StepFailed(
          loop.id(), 1, turn.agentId(), turn.startedAt(), error, Usage.NONE, now);
    }
    // The turns' usage is the run's already, counted as each turn ended.
    return new RunChange.StepSucceeded(
        loop.id(), 1, turn.agentId(), turn.startedAt(), output, Usage.NONE, now);
  }

  private static JsonNode finalOutput(JsonNode answer, int turns) {
    ObjectNode output = answer.deepCopy();
    output.remove("toolCalls");
    output.put("turns", turns);
    return output;
  }

  /** The step a turn {@link RunChange.ToolTurnStarted} adds. */
  static StepSpec turnStep(StepSpec loop, int turn) {
    return StepSpec.loopPart(
        LoopPart.turnId(loop.id(), turn),
        LoopPart.turn(loop.id(), turn),
        loop.capability(),
        null,
        loop.model(),
        loop.budget(),
        loop.retry(),
        loop.timeouts());
  }

  /**
   * The step that runs {@code call}, turn {@code turn}'s call number {@code number}: the policies
   * of its capability's own, as any step of it has.
   */
  static StepSpec callStep(String loop, int turn, int number, ToolCall call) {
    return StepSpec.loopPart(
        call.stepId(),
        new LoopPart(loop, turn, number, call.id(), call.name()),
        call.capability() == null ? call.name() : call.capability(),
        call.arguments(),
        null,
        null,
        null,
        null);
  }

  /** The latest turn of {@code loop} the run has added, 0 before the first. */
  static int latestTurn(RunState state, String loop) {
    int latest = 0;
    for (StepSpec step : state.plan().steps()) {
      LoopPart part = step.partOf();
      if (part != null && part.turnStep() && part.step().equals(loop)) {
        latest = Math.max(latest, part.turn());
      }
    }
    return latest;
  }

  /** The calls of turn {@code turn} of {@code loop}, in the order the model made them. */
  static List<StepSpec> callsOf(RunState state, String loop, int turn) {
    List<StepSpec> calls = new ArrayList<>();
    for (StepSpec step : state.plan().steps()) {
      LoopPart part = step.partOf();
      if (part != null && !part.turnStep() && part.turn() == turn && part.step().equals(loop)) {
        calls.add(step);
      }
    }
    return calls;
  }

  private static int callsMade(RunState state, String loop) {
    int made = 0;
    for (StepSpec step : state.plan().steps()) {
      LoopPart part = step.partOf();
      if (part != null && !part.turnStep() && part.step().equals(loop)) {
        made++;
      }
    }
    return made;
  }
}
