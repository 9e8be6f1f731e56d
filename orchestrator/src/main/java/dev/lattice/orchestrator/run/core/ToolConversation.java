package dev.lattice.orchestrator.run.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.plan.LoopPart;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.run.StepStatus;
import java.util.List;
import java.util.Map;

/**
 * What a turn of a tool loop is sent: the loop step's own input, its prompt turned into the first
 * message, followed by every earlier turn's answer and the results of its calls, and the tools on
 * offer by name and capability (the dispatcher adds their descriptions and schemas from the agent
 * directory). Pure: rebuilt from the run's state whenever the turn is sent, so the journal holds
 * each answer and result once, not the conversation again with every turn.
 */
final class ToolConversation {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private ToolConversation() {}

  /** The input of turn {@code part} of its loop. */
  static JsonNode input(RunState state, LoopPart part) {
    StepSpec loop = state.spec(part.step());
    JsonNode own = StepInput.resolve(state, loop);
    if (!own.isObject()) {
      throw new IllegalArgumentException(
          "the input of tool loop step '" + loop.id() + "' must be an object");
    }
    ObjectNode input = ((ObjectNode) own).deepCopy();
    ArrayNode messages = JSON.arrayNode();
    if (input.has("messages")) {
      messages.addAll((ArrayNode) input.get("messages").deepCopy());
    } else if (input.hasNonNull("prompt")) {
      messages.addObject().put("role", "user").set("content", input.get("prompt"));
    }
    input.remove("prompt");
    for (int turn = 1; turn < part.turn(); turn++) {
      appendTurn(state, part.step(), turn, messages);
    }
    input.set("messages", messages);
    ArrayNode tools = input.putArray("tools");
    for (Map.Entry<String, String> tool : ToolNames.of(loop.tools()).byName().entrySet()) {
      tools.addObject().put("name", tool.getKey()).put("capability", tool.getValue());
    }
    return input;
  }

  private static void appendTurn(RunState state, String loop, int turn, ArrayNode messages) {
    JsonNode answer = state.step(LoopPart.turnId(loop, turn)).output();
    ObjectNode assistant = messages.addObject().put("role", "assistant");
    if (answer.path("text").isTextual()) {
      assistant.put("content", answer.get("text").textValue());
    }
    List<StepSpec> calls = ToolLoops.callsOf(state, loop, turn);
    ArrayNode asked = assistant.putArray("toolCalls");
    for (StepSpec call : calls) {
      LoopPart of = call.partOf();
      ObjectNode entry = asked.addObject().put("id", of.callId()).put("name", of.tool());
      entry.set("arguments", call.input() == null ? JSON.objectNode() : call.input());
    }
    for (StepSpec call : calls) {
      messages.add(result(state, call));
    }
  }

  /** A call's result as the model reads it: the output, or what went wrong. */
  private static ObjectNode result(RunState state, StepSpec call) {
    StepState done = state.step(call.id());
    ObjectNode message = JSON.objectNode().put("role", "tool");
    message.put("toolCallId", call.partOf().callId()).put("name", call.partOf().tool());
    if (done.status() == StepStatus.SUCCEEDED) {
      message.set("content", done.output());
      message.put("isError", false);
    } else {
      message.put(
          "content",
          "the call failed (" + done.error().errorClass().wire() + "): " + done.error().message());
      message.put("isError", true);
    }
    return message;
  }
}
