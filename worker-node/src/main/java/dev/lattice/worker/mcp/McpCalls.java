package dev.lattice.worker.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.worker.action.ActionException;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** What an MCP tool call's answer or failure means for the step that made it. */
final class McpCalls {
  private McpCalls() {}

  /**
   * The step's output: the tool's structured content when it gives one, else {@code {"content":
   * [...], "text": "..."}}: its content items as MCP sends them and their texts joined by newlines.
   *
   * @throws ActionException with the server's tool error class when the tool answered {@code
   *     isError}
   */
  static JsonNode output(
      McpServerSpec server, String tool, McpSchema.CallToolResult result, ObjectMapper json) {
    if (Boolean.TRUE.equals(result.isError())) {
      String text = text(result);
      throw new ActionException(
          server.toolErrorClass(),
          "MCP tool '"
              + tool
              + "' of server '"
              + server.name()
              + "' reported an error"
              + (text.isEmpty() ? "" : ": " + text));
    }
    if (result.structuredContent() != null) {
      return json.valueToTree(result.structuredContent());
    }
    ObjectNode output = json.createObjectNode();
    ArrayNode content = output.putArray("content");
    if (result.content() != null) {
      result.content().forEach(item -> content.add(json.valueToTree(item)));
    }
    output.put("text", text(result));
    return output;
  }

  /** The failure of a call that got no answer, with its error class. */
  static ActionException failure(McpServerSpec server, String tool, Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof ActionException action) {
      return action;
    }
    String call = "MCP tool '" + tool + "' of server '" + server.name() + "'";
    if (cause instanceof TimeoutException) {
      return new ActionException(ErrorClass.TIMEOUT, call + " did not answer in time");
    }
    if (cause instanceof McpError error && error.getJsonRpcError() != null) {
      int code = error.getJsonRpcError().code();
      // Arguments the server refused, or a tool it does not know: repeating the call cannot help.
      ErrorClass errorClass =
          code == McpSchema.ErrorCodes.INVALID_PARAMS
                  || code == McpSchema.ErrorCodes.METHOD_NOT_FOUND
              ? ErrorClass.INVALID_INPUT
              : ErrorClass.AGENT_ERROR;
      return new ActionException(
          errorClass, call + " failed: " + error.getJsonRpcError().message(), null, cause);
    }
    return new ActionException(ErrorClass.AGENT_ERROR, call + " failed: " + describe(cause));
  }

  /** A failure in a few words, for a message. */
  static String describe(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof TimeoutException) {
      return "no answer in time";
    }
    // The SDK wraps what went wrong ("Client failed to initialize ..."): say what it wraps too,
    // each message once.
    StringBuilder message = new StringBuilder(messageOf(cause));
    for (Throwable inner = cause.getCause();
        inner != null && inner != inner.getCause();
        inner = inner.getCause()) {
      String more = messageOf(inner);
      if (!message.toString().contains(more)) {
        message.append(": ").append(more);
      }
    }
    return message.toString();
  }

  private static String messageOf(Throwable failure) {
    String message = failure.getMessage();
    return message == null ? failure.getClass().getSimpleName() : message;
  }

  private static String text(McpSchema.CallToolResult result) {
    if (result.content() == null) {
      return "";
    }
    StringBuilder text = new StringBuilder();
    for (McpSchema.Content item : result.content()) {
      if (item instanceof McpSchema.TextContent t) {
        if (!text.isEmpty()) {
          text.append('\n');
        }
        text.append(t.text());
      }
    }
    return text.toString();
  }

  /** What a future's failure wraps: the failure of the call itself. */
  private static Throwable unwrap(Throwable failure) {
    boolean wrapped =
        failure instanceof CompletionException || failure instanceof ExecutionException;
    return wrapped && failure.getCause() != null ? unwrap(failure.getCause()) : failure;
  }
}
