package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.session.MemoryPolicy;
import dev.lattice.protocol.session.SessionName;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionRequest;
import java.util.Iterator;
import java.util.Set;

/**
 * Reads the session part of an llm step's input: {@code session} (the name) and {@code memory}
 * ({@code {policy, maxMessages, keepMessages}}, each defaulting to {@code lattice.llm.sessions}).
 * Anything malformed fails as {@code invalid_input}, before any call. A session holds a text
 * conversation: a step that offers tools, or sends tool calls or results, cannot name one.
 */
final class SessionInput {
  static final String SESSION = "session";
  static final String MEMORY = "memory";

  private static final Set<String> MEMORY_FIELDS = Set.of("policy", "maxMessages", "keepMessages");

  private SessionInput() {}

  /** The session {@code request} continues with {@code call}; null when its input names none. */
  static SessionStep step(ActionRequest request, LlmCall call, SessionSettings settings) {
    JsonNode input = request.input();
    JsonNode name = present(input, SESSION);
    JsonNode memory = present(input, MEMORY);
    if (name == null) {
      if (memory != null) {
        throw invalid("'memory' needs a 'session' to keep");
      }
      return null;
    }
    if (!name.isTextual()) {
      throw invalid("'session' must be a string, the session's name");
    }
    SessionName session;
    try {
      session = SessionName.of(name.asText());
    } catch (IllegalArgumentException e) {
      throw invalid("'session': " + e.getMessage());
    }
    if (call.hasTools()
        || call.messages().stream().anyMatch(m -> m.isToolResult() || !m.toolCalls().isEmpty())) {
      throw invalid(
          "a step with a 'session' holds a text conversation: it cannot offer tools or send tool"
              + " calls or results");
    }
    return new SessionStep(
        request.tenant(),
        request.capability(),
        session,
        policy(memory, settings),
        request.effectKey());
  }

  private static MemoryPolicy policy(JsonNode memory, SessionSettings settings) {
    if (memory == null) {
      return policy(settings.policy(), settings.maxMessages(), null, settings);
    }
    if (!memory.isObject()) {
      throw invalid("'memory' must be an object {policy, maxMessages, keepMessages}");
    }
    for (Iterator<String> names = memory.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!MEMORY_FIELDS.contains(field)) {
        throw invalid(
            "unknown field 'memory."
                + field
                + "'; known: "
                + MEMORY_FIELDS.stream().sorted().toList());
      }
    }
    JsonNode kind = present(memory, "policy");
    MemoryPolicy.Kind policy = settings.policy();
    if (kind != null) {
      try {
        policy = MemoryPolicy.Kind.fromWire(kind.isTextual() ? kind.asText() : kind.toString());
      } catch (IllegalArgumentException e) {
        throw invalid("'memory.policy': " + e.getMessage());
      }
    }
    Integer max = whole(memory, "maxMessages", 1, settings.maxMessagesLimit());
    Integer keep = whole(memory, "keepMessages", 0, settings.maxMessagesLimit() - 1);
    if (keep != null && policy != MemoryPolicy.Kind.SUMMARY) {
      throw invalid("'memory.keepMessages' applies to the summary policy only");
    }
    return policy(policy, max == null ? settings.maxMessages() : max, keep, settings);
  }

  private static MemoryPolicy policy(
      MemoryPolicy.Kind kind, int max, Integer keep, SessionSettings settings) {
    if (kind == MemoryPolicy.Kind.WINDOW) {
      return MemoryPolicy.window(max);
    }
    if (keep != null && keep >= max) {
      throw invalid("'memory.keepMessages' must be less than maxMessages (" + max + ")");
    }
    return MemoryPolicy.summary(
        max, keep != null ? keep : Math.min(settings.keepMessages(), max - 1));
  }

  private static Integer whole(JsonNode memory, String field, int least, int most) {
    JsonNode value = present(memory, field);
    if (value == null) {
      return null;
    }
    if (!value.isIntegralNumber()
        || !value.canConvertToInt()
        || value.asInt() < least
        || value.asInt() > most) {
      throw invalid(
          "'memory."
              + field
              + "' must be a whole number from "
              + least
              + " to "
              + most
              + " (lattice.llm.sessions.max-messages-limit bounds it)");
    }
    return value.asInt();
  }

  /** The value of {@code field}, null when absent or null. */
  private static JsonNode present(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value;
  }

  private static ActionException invalid(String message) {
    return new ActionException(ErrorClass.INVALID_INPUT, message);
  }
}
