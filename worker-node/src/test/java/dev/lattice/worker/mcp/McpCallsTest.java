package dev.lattice.worker.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.ToolEffect;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.worker.action.ActionException;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** What a tool's answer or failure makes of a step, and how a tool's effect is decided. */
class McpCallsTest {
  private static final McpServerSpec SERVER =
      new McpServerSpec(
          "calc",
          List.of("calc-server"),
          Map.of(),
          null,
          null,
          Map.of(),
          Map.of("store", ToolEffect.KEYED),
          ErrorClass.AGENT_ERROR,
          1,
          true);

  @Test
  void structuredContentIsTheOutput() {
    JsonNode output =
        McpCalls.output(
            SERVER,
            "add",
            McpSchema.CallToolResult.builder().structuredContent(Map.of("sum", 5)).build(),
            LatticeJson.mapper());

    assertThat(output.get("sum").asInt()).isEqualTo(5);
  }

  @Test
  void otherwiseTheContentAndItsTextAre() {
    JsonNode output =
        McpCalls.output(
            SERVER,
            "say",
            McpSchema.CallToolResult.builder().addTextContent("one").addTextContent("two").build(),
            LatticeJson.mapper());

    assertThat(output.get("text").asText()).isEqualTo("one\ntwo");
    assertThat(output.get("content")).hasSize(2);
    assertThat(output.get("content").get(1).get("type").asText()).isEqualTo("text");
    assertThat(output.get("content").get(1).get("text").asText()).isEqualTo("two");
  }

  @Test
  void anAnswerWithIsErrorFailsWithTheServersToolErrorClass() {
    McpSchema.CallToolResult error =
        McpSchema.CallToolResult.builder().addTextContent("disk full").isError(true).build();

    assertThatThrownBy(() -> McpCalls.output(SERVER, "store", error, LatticeJson.mapper()))
        .isInstanceOfSatisfying(
            ActionException.class,
            e -> {
              assertThat(e.errorClass()).isEqualTo(ErrorClass.AGENT_ERROR);
              assertThat(e.getMessage()).endsWith("reported an error: disk full");
            });
  }

  @Test
  void failuresWithoutAnAnswerGetTheirClass() {
    assertThat(failure(new TimeoutException()).errorClass()).isEqualTo(ErrorClass.TIMEOUT);
    assertThat(failure(rpcError(McpSchema.ErrorCodes.INVALID_PARAMS)).errorClass())
        .isEqualTo(ErrorClass.INVALID_INPUT);
    assertThat(failure(rpcError(McpSchema.ErrorCodes.INTERNAL_ERROR)).errorClass())
        .isEqualTo(ErrorClass.AGENT_ERROR);
    assertThat(failure(new IllegalStateException("MCP session with server terminated")))
        .hasMessageContaining("session with server terminated")
        .extracting(ActionException::errorClass)
        .isEqualTo(ErrorClass.AGENT_ERROR);
  }

  @Test
  void anEffectComesFromConfigurationThenFromTheServersHints() {
    assertThat(McpTools.effect(SERVER, tool("store", null))).isEqualTo(ToolEffect.KEYED);
    assertThat(McpTools.effect(SERVER, tool("read", hints(true, null))))
        .isEqualTo(ToolEffect.IDEMPOTENT);
    assertThat(McpTools.effect(SERVER, tool("set", hints(false, true))))
        .isEqualTo(ToolEffect.IDEMPOTENT);
    assertThat(McpTools.effect(SERVER, tool("send", hints(false, false))))
        .isEqualTo(ToolEffect.UNSAFE);
    assertThat(McpTools.effect(SERVER, tool("other", null))).isEqualTo(ToolEffect.UNSAFE);
  }

  @Test
  void aToolWithoutDescriptionOrSchemaIsStillDescribed() {
    var spec = McpTools.spec(SERVER, tool("bare", null), LatticeJson.mapper());

    assertThat(spec.description()).isEqualTo("bare");
    assertThat(spec.inputSchema().get("type").asText()).isEqualTo("object");
  }

  private static ActionException failure(Throwable cause) {
    return McpCalls.failure(SERVER, "add", new CompletionException(cause));
  }

  private static McpError rpcError(int code) {
    return new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(code, "refused", null));
  }

  private static McpSchema.ToolAnnotations hints(Boolean readOnly, Boolean idempotent) {
    return McpSchema.ToolAnnotations.builder()
        .readOnlyHint(readOnly)
        .idempotentHint(idempotent)
        .build();
  }

  private static McpSchema.Tool tool(String name, McpSchema.ToolAnnotations annotations) {
    return McpSchema.Tool.builder().name(name).annotations(annotations).build();
  }
}
