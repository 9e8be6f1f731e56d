package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.worker.action.ActionException;
import java.util.Optional;
import java.util.Set;

/**
 * Tells which provider and model an attempt will call, by the same resolution the {@code llm}
 * action makes ({@link CallResolver}), so that a dispatcher can keep to the provider's rate limits
 * before it sends the attempt anywhere. Only attempts of capabilities the {@code llm} action serves
 * have a target: {@code llm}, every model profile, and the capabilities of configured agents that
 * run the action.
 */
public final class LlmTargets {
  /** Characters per token of the prompt's estimate: a common rule of thumb for English text. */
  private static final int CHARS_PER_TOKEN = 4;

  private final CallResolver resolver;
  private final LlmCapabilities capabilities;

  /**
   * @param settings the {@code lattice.llm} settings
   * @param agentCapabilities the capabilities of configured agents that run the {@code llm} action
   */
  public LlmTargets(LlmSettings settings, Set<String> agentCapabilities) {
    this.resolver = new CallResolver(settings);
    this.capabilities = new LlmCapabilities(settings, agentCapabilities);
  }

  /** Whether attempts for {@code capability} run the llm action, and so may have a target. */
  public boolean covers(String capability) {
    return capabilities.contains(capability);
  }

  /**
   * The target of an attempt for {@code capability} naming {@code model} with {@code input}; empty
   * when the capability is not the llm action's, or the input is not a call it would make (the
   * attempt then fails as {@code invalid_input} without calling anything).
   */
  public Optional<LlmTarget> target(String capability, String model, JsonNode input) {
    if (!covers(capability)) {
      return Optional.empty();
    }
    LlmCall call;
    try {
      call = resolver.resolve(capability, model, input);
    } catch (ActionException | IllegalArgumentException invalid) {
      return Optional.empty();
    }
    ProviderSettings provider = call.provider();
    // A step whose answer must follow a schema may ask again, once per repair, with at least as
    // long a prompt each time.
    int tries = call.wantsJson() ? 1 + call.repairs() : 1;
    return Optional.of(
        new LlmTarget(
            provider.name(),
            call.model(),
            provider.limits().of(call.model()),
            tries,
            tries * tokens(call)));
  }

  /**
   * The prompt's characters (tools and tool calls included) over {@link #CHARS_PER_TOKEN}, plus the
   * answer's maximum.
   */
  private static long tokens(LlmCall call) {
    long chars = call.system() == null ? 0 : call.system().length();
    for (ChatMessage message : call.messages()) {
      chars += message.content().length();
      for (ToolCall made : message.toolCalls()) {
        chars += made.name().length() + made.argumentsText().length();
      }
    }
    // The tools offered are part of the prompt the provider counts.
    for (OfferedTool tool : call.tools()) {
      chars +=
          tool.name().length()
              + (tool.description() == null ? 0 : tool.description().length())
              + tool.parameters().toString().length();
    }
    return (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN + call.maxTokens();
  }
}
