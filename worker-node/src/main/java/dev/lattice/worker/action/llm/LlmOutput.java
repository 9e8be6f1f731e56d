package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.agent.RejectedOutput;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.worker.action.ActionResult;
import java.util.List;

/**
 * The output of an llm step: the answer ({@code text}, or {@code json} for structured output), the
 * tools it calls ({@code toolCalls}, when it calls any), why it ended, the model, and {@code
 * usage}, that of every call the attempt made. An answer a session held already adds {@code
 * replayed}.
 */
final class LlmOutput {
  static final String TEXT = "text";
  static final String JSON = "json";
  private static final String USAGE = "usage";

  private LlmOutput() {}

  /**
   * The result of {@code answer}, whose {@code field} ({@code text} or {@code json}) is {@code
   * value}.
   */
  static ActionResult of(
      LlmAnswer answer,
      String field,
      JsonNode value,
      Usage usage,
      List<RejectedOutput> rejected,
      ObjectMapper json) {
    ObjectNode output = json.createObjectNode();
    output.set(field, value);
    if (answer.callsTools()) {
      ArrayNode calls = output.putArray("toolCalls");
      for (ToolCall call : answer.toolCalls()) {
        ObjectNode written = calls.addObject().put("id", call.id()).put("name", call.name());
        written.set("arguments", call.arguments());
        if (call.rawArguments() != null) {
          written.put("rawArguments", call.rawArguments());
        }
      }
    }
    output.put("finishReason", answer.finishReason());
    output.put("model", answer.model());
    putUsage(output, usage);
    return new ActionResult(output, usage, rejected);
  }

  /**
   * The result of an answer {@code held} by the step's session, the attempt having used {@code
   * usage}: as text, or read as JSON again when the step asked for JSON ({@code asJson}).
   */
  static ActionResult replayed(
      SessionWindow.Answer held, boolean asJson, Usage usage, ObjectMapper json) {
    LlmAnswer answer = new LlmAnswer(held.text(), held.finishReason(), held.model(), usage);
    JsonNode value = null;
    if (asJson) {
      try {
        value = json.readTree(held.text());
      } catch (JsonProcessingException e) {
        // Held as the JSON text it was accepted as: only a session changed by hand gets here.
        value = null;
      }
    }
    ActionResult result =
        value == null
            ? of(answer, TEXT, json.getNodeFactory().textNode(held.text()), usage, List.of(), json)
            : of(answer, JSON, value, usage, List.of(), json);
    ((ObjectNode) result.output()).put("replayed", true);
    return result;
  }

  /**
   * The answer of {@code output} as a session holds it: its text, or its JSON written compactly.
   */
  static String answerText(JsonNode output) {
    JsonNode text = output.get(TEXT);
    return text != null && text.isTextual() ? text.textValue() : output.path(JSON).toString();
  }

  /** {@code result} having used {@code usage}, in its output's figures as well. */
  static ActionResult withUsage(ActionResult result, Usage usage) {
    ObjectNode output = ((ObjectNode) result.output()).deepCopy();
    putUsage(output, usage);
    return new ActionResult(output, usage, result.rejected());
  }

  private static void putUsage(ObjectNode output, Usage usage) {
    output
        .putObject(USAGE)
        .put("promptTokens", usage.promptTokens())
        .put("completionTokens", usage.completionTokens())
        .put("cachedTokens", usage.cachedTokens())
        .put("reasoningTokens", usage.reasoningTokens());
  }
}
