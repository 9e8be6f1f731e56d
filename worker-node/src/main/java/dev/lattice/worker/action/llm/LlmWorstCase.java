package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import dev.lattice.worker.action.ActionException;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The most tokens one attempt of an llm step may spend, known before it is dispatched, so that
 * budgets can be reserved for it: for each try (the first and every repair its structured output
 * allows) the bound of its prompt ({@link PromptEstimate}) plus its {@code maxTokens}. A repair
 * re-sends the conversation with the rejected answer (counted as {@code maxTokens}: an answer takes
 * about as many tokens to read again as to generate) and a request listing the validator's errors
 * (at most {@link RepairingCall#requestBytesBound}).
 *
 * <p>The llm action holds each call to what the attempt may spend ({@link SpendCap}), so an attempt
 * never spends more than was reserved for it even where this bound is off.
 */
public final class LlmWorstCase {
  private static final String SCHEMA = "schema";
  private static final String SCHEMA_NAME = "schemaName";
  private static final String MAX_REPAIRS = "maxRepairs";
  private static final List<String> STRUCTURED_FIELDS = List.of(SCHEMA, SCHEMA_NAME, MAX_REPAIRS);

  private final LlmSettings settings;
  private final CallResolver resolver;
  private final LlmCapabilities capabilities;

  /**
   * @param capabilities the capabilities served by the llm action, besides {@code llm} and the
   *     profiles
   */
  public LlmWorstCase(LlmSettings settings, Set<String> capabilities) {
    this.settings = settings;
    this.resolver = new CallResolver(settings);
    this.capabilities = new LlmCapabilities(settings, capabilities);
  }

  /**
   * The bound of a node configured by {@code config}: its {@code lattice.llm} settings, and the
   * capabilities its configured agents serve with the llm action.
   */
  public static LlmWorstCase create(Config config) {
    return new LlmWorstCase(
        LlmSettings.create(config.getConfig("lattice.llm")), LlmCapabilities.ofAgents(config));
  }

  /** Whether steps of {@code capability} are llm steps. */
  public boolean serves(String capability) {
    return capabilities.contains(capability);
  }

  /**
   * The most tokens an attempt of an llm step of {@code capability} with this resolved {@code
   * input} may spend; empty for other steps, and for input the action will refuse without a call.
   */
  public OptionalLong tokens(String capability, String model, JsonNode input) {
    if (!serves(capability) || input == null || !input.isObject()) {
      return OptionalLong.empty();
    }
    JsonNode schema = input.get(SCHEMA);
    boolean structured = schema != null && !schema.isNull();
    // The schema is counted here, not compiled: a run weighs its steps' holds often.
    ObjectNode plain = ((ObjectNode) input).deepCopy();
    plain.remove(STRUCTURED_FIELDS);
    LlmCall call;
    try {
      call = resolver.resolve(capability, model, plain);
    } catch (ActionException | IllegalArgumentException e) {
      return OptionalLong.empty();
    }
    if (!structured) {
      return OptionalLong.of(tokens(call, 0, 0));
    }
    JsonNode name = input.get(SCHEMA_NAME);
    long schemaTokens =
        settings
            .promptEstimate()
            .schema(
                schema,
                name != null && name.isTextual()
                    ? name.asText()
                    : CallResolver.DEFAULT_SCHEMA_NAME);
    return OptionalLong.of(tokens(call, repairs(input.get(MAX_REPAIRS)), schemaTokens));
  }

  /** The repairs a step asks for; an out-of-range figure fails the step before any call. */
  private int repairs(JsonNode asked) {
    StructuredOutputSettings limits = settings.structuredOutput();
    if (asked == null || asked.isNull() || !asked.canConvertToInt()) {
      return limits.repairs();
    }
    return Math.max(0, Math.min(asked.asInt(), limits.maxRepairs()));
  }

  /**
   * The most tokens {@code call} may spend with {@code repairs} repairs, its prompt being {@code
   * schemaTokens} longer than the call's own (a schema counted apart).
   */
  private long tokens(LlmCall call, long repairs, long schemaTokens) {
    PromptEstimate estimate = settings.promptEstimate();
    long first = estimate.tokens(call) + schemaTokens + call.maxTokens();
    // Each repair's prompt grows by the rejected answer and the request for another.
    long growth =
        2L * estimate.tokensPerMessage()
            + call.maxTokens()
            + RepairingCall.requestTokensBound(settings.structuredOutput());
    return (repairs + 1) * first + repairs * (repairs + 1) / 2 * growth;
  }
}
