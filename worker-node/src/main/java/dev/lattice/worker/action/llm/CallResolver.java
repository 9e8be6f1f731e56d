package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionRequest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns an attempt of the {@code llm} action into the call it makes: the step's input first, then
 * the assignment's model, then the profile of the capability served (or the one the input names),
 * then the defaults. Anything wrong with the input fails as {@code invalid_input}, a schema that is
 * not a valid JSON Schema included.
 */
final class CallResolver {
  /** OpenAI's {@code json_schema.name} when the step gives none. */
  static final String DEFAULT_SCHEMA_NAME = "answer";

  private static final Set<String> FIELDS =
      Set.of(
          "messages",
          "prompt",
          "system",
          "model",
          "provider",
          "profile",
          "temperature",
          "maxTokens",
          "stop",
          "schema",
          "schemaName",
          "maxRepairs",
          "stream",
          "tools",
          "toolChoice",
          SessionInput.SESSION,
          SessionInput.MEMORY);

  private final LlmSettings settings;

  CallResolver(LlmSettings settings) {
    this.settings = settings;
  }

  LlmCall resolve(ActionRequest request) {
    return resolve(request.capability(), request.model(), request.input());
  }

  /**
   * The call an attempt for {@code capability}, assigned {@code model}, with {@code input} makes:
   * all a request's resolution reads, so that a dispatcher can know it before there is a request.
   */
  LlmCall resolve(String capability, String assignedModel, JsonNode input) {
    if (input == null || !input.isObject()) {
      throw invalid("the llm action's input must be an object");
    }
    for (Iterator<String> names = input.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw invalid(
            "unknown input field '" + name + "'; known: " + FIELDS.stream().sorted().toList());
      }
    }
    ModelProfile profile = profile(capability, input);
    String model =
        first(text(input, "model"), assignedModel, profile == null ? null : profile.model());
    if (model == null) {
      throw invalid("no model: name one in the step's input or model, or serve a profile");
    }
    Double temperature = number(input, "temperature");
    Integer maxTokens = whole(input, "maxTokens");
    String schemaName = text(input, "schemaName");
    AnswerSchema schema = schema(input.get("schema"));
    List<ChatMessage> messages =
        ConversationInput.messages(present(input, "messages"), text(input, "prompt"));
    String system = system(profile, text(input, "system"));
    if (messages.stream().anyMatch(ChatMessage::isToolResult)) {
      system = system == null ? ToolOutput.SYSTEM_NOTE : system + "\n\n" + ToolOutput.SYSTEM_NOTE;
    }
    return new LlmCall(
        provider(input, profile, model),
        model,
        system,
        messages,
        temperature != null ? temperature : profile == null ? null : profile.temperature(),
        maxTokens != null
            ? maxTokens
            : profile != null && profile.maxTokens() != null
                ? profile.maxTokens()
                : settings.defaultMaxTokens(),
        stop(input.get("stop")),
        schema,
        schemaName == null ? DEFAULT_SCHEMA_NAME : schemaName,
        repairs(input, schema),
        flag(input, "stream"),
        ConversationInput.tools(present(input, "tools")),
        ConversationInput.toolChoice(present(input, "toolChoice")));
  }

  private ModelProfile profile(String capability, JsonNode input) {
    String named = text(input, "profile");
    if (named != null) {
      return settings
          .profile(named)
          .orElseThrow(
              () ->
                  invalid(
                      "unknown model profile '"
                          + named
                          + "'; configured: "
                          + settings.profiles().keySet().stream().sorted().toList()));
    }
    return capability == null ? null : settings.profile(capability).orElse(null);
  }

  private ProviderSettings provider(JsonNode input, ModelProfile profile, String model) {
    String named =
        first(text(input, "provider"), profile == null ? null : profile.provider(), null);
    if (named != null) {
      return settings
          .provider(named)
          .orElseThrow(
              () ->
                  invalid(
                      "unknown model provider '"
                          + named
                          + "'; configured: "
                          + settings.providers().keySet().stream().sorted().toList()));
    }
    return settings
        .providerServing(model)
        .orElseThrow(
            () ->
                invalid(
                    "no provider serves model '"
                        + model
                        + "'; configured: "
                        + settings.providers().values().stream()
                            .map(p -> p.name() + " " + p.models())
                            .sorted()
                            .collect(Collectors.joining(", "))));
  }

  /** The profile's system prompt, then the step's, either of which may be absent. */
  private static String system(ModelProfile profile, String step) {
    String base = profile == null ? null : profile.system();
    if (base == null || step == null) {
      return base == null ? step : base;
    }
    return base + "\n\n" + step;
  }

  private static List<String> stop(JsonNode stop) {
    if (stop == null) {
      return List.of();
    }
    if (stop.isTextual()) {
      return List.of(stop.asText());
    }
    List<String> sequences = new ArrayList<>();
    if (stop.isArray()) {
      for (JsonNode each : stop) {
        if (!each.isTextual()) {
          throw invalid("'stop' must be a string or a list of strings");
        }
        sequences.add(each.asText());
      }
      return sequences;
    }
    throw invalid("'stop' must be a string or a list of strings");
  }

  private AnswerSchema schema(JsonNode schema) {
    if (schema == null || schema.isNull()) {
      return null;
    }
    if (!schema.isObject()) {
      throw invalid("'schema' must be a JSON Schema object");
    }
    return AnswerSchema.compile(schema, settings.structuredOutput());
  }

  /** How often an answer is asked for again: the step's {@code maxRepairs}, else the default. */
  private int repairs(JsonNode input, AnswerSchema schema) {
    JsonNode value = present(input, "maxRepairs");
    StructuredOutputSettings limits = settings.structuredOutput();
    if (value == null) {
      return limits.repairs();
    }
    if (schema == null) {
      throw invalid(
          "'maxRepairs' needs a 'schema': only answers that must follow one are repaired");
    }
    if (!value.isIntegralNumber()
        || !value.canConvertToInt()
        || value.asInt() < 0
        || value.asInt() > limits.maxRepairs()) {
      throw invalid(
          "'maxRepairs' must be a whole number from 0 to "
              + limits.maxRepairs()
              + " (lattice.llm.structured-output.max-repairs)");
    }
    return value.asInt();
  }

  private static String text(JsonNode input, String field) {
    JsonNode value = present(input, field);
    if (value != null && !value.isTextual()) {
      throw invalid("'" + field + "' must be a string");
    }
    return value == null ? null : value.asText();
  }

  private static Double number(JsonNode input, String field) {
    JsonNode value = present(input, field);
    if (value != null && !value.isNumber()) {
      throw invalid("'" + field + "' must be a number");
    }
    return value == null ? null : value.asDouble();
  }

  private static Integer whole(JsonNode input, String field) {
    JsonNode value = present(input, field);
    if (value != null
        && (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1)) {
      throw invalid("'" + field + "' must be a whole number of at least 1");
    }
    return value == null ? null : value.asInt();
  }

  private static boolean flag(JsonNode input, String field) {
    JsonNode value = present(input, field);
    if (value != null && !value.isBoolean()) {
      throw invalid("'" + field + "' must be true or false");
    }
    return value != null && value.asBoolean();
  }

  /** The value of {@code field}, null when absent or null. */
  private static JsonNode present(JsonNode input, String field) {
    JsonNode value = input.get(field);
    return value == null || value.isNull() ? null : value;
  }

  private static String first(String a, String b, String c) {
    return a != null ? a : b != null ? b : c;
  }

  private static ActionException invalid(String message) {
    return new ActionException(ErrorClass.INVALID_INPUT, message);
  }
}
