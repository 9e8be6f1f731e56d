package dev.lattice.worker.action.llm;

import dev.lattice.protocol.agent.Usage;

/**
 * A model's answer as read from its provider.
 *
 * @param text the answer's text
 * @param finishReason why it ended: {@code stop}, {@code length}, {@code content_filter}, or the
 *     provider's own word for anything else
 * @param model the model that answered, as the provider named it
 * @param usage the tokens the call consumed (no cost: the dispatcher prices it)
 */
public record LlmAnswer(String text, String finishReason, String model, Usage usage) {}
