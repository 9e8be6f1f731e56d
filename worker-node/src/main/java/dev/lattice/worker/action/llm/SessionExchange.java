package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What a step adds to its session once the model answered: the step's own messages (user and
 * assistant, not system) and the answer, last.
 *
 * @param messages the messages, the answer last (an {@code assistant} message)
 * @param model the model that answered
 * @param finishReason why the answer ended
 * @param output the step's output as it will be reported: a session remembers only what the node's
 *     guardrails let through to the run
 */
public record SessionExchange(
    List<ChatMessage> messages, String model, String finishReason, JsonNode output) {
  public SessionExchange {
    messages = List.copyOf(messages);
  }
}
