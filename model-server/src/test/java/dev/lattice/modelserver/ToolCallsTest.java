package dev.lattice.modelserver;

import static dev.lattice.modelserver.ModelClient.JSON;
import static dev.lattice.modelserver.ModelClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.ToolCall;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Script entries that call tools, and matches on a conversation that ends in tool results. */
class ToolCallsTest {
  private static final String OPENAI_TOOLS =
      """
      "tools": [{"type": "function", "function": {"name": "get_weather",
        "description": "The weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]
      """;
  private static final String ANTHROPIC_TOOLS =
      """
      "tools": [{"name": "get_weather", "description": "The weather in a city",
        "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}]
      """;

  private static Script weatherScript() {
    return Script.of(
        ScriptEntry.text("Let me look.")
            .calling(ToolCall.of("get_weather", node("{\"city\": \"Paris\"}")))
            .when(Match.contains("weather").andLastRole("user")),
        ScriptEntry.text("It is sunny in Paris.").when(Match.lastRole("tool").andModel("m")),
        ScriptEntry.text("It rains.").when(new Match("rain", null, null, "tool")));
  }

  private static String openAiFirstTurn(boolean stream) {
    return """
        {"model": "m", "stream": %s, %s,
         "messages": [{"role": "user", "content": "What is the weather in Paris?"}]}
        """
        .formatted(stream, OPENAI_TOOLS);
  }

  private static String anthropicFirstTurn(boolean stream) {
    return """
        {"model": "m", "max_tokens": 100, "stream": %s, %s,
         "messages": [{"role": "user", "content": "What is the weather in Paris?"}]}
        """
        .formatted(stream, ANTHROPIC_TOOLS);
  }

  @Test
  void anOpenAiAnswerCallsToolsWithTheirArgumentsAsJsonText() throws Exception {
    try (ScriptedModelServer server = ScriptedModelServer.start(weatherScript())) {
      ModelClient client = new ModelClient(server);
      JsonNode body = json(client.send(client.openAi(openAiFirstTurn(false))));

      JsonNode choice = body.path("choices").path(0);
      assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
      assertThat(choice.path("message").path("content").asText()).isEqualTo("Let me look.");
      JsonNode call = choice.path("message").path("tool_calls").path(0);
      assertThat(call.path("id").asText()).isEqualTo("call_1");
      assertThat(call.path("type").asText()).isEqualTo("function");
      assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
      assertThat(node(call.path("function").path("arguments").asText()))
          .isEqualTo(node("{\"city\": \"Paris\"}"));
      RecordedRequest seen = server.requests().get(0);
      assertThat(seen.tools()).hasSize(1);
      assertThat(seen.tools().get(0).name()).isEqualTo("get_weather");
      assertThat(seen.tools().get(0).description()).isEqualTo("The weather in a city");
      assertThat(seen.tools().get(0).parameters().path("type").asText()).isEqualTo("object");
    }
  }

  @Test
  void aStreamedOpenAiAnswerSendsEachCallsIdAndNameThenItsArgumentsInPieces() throws Exception {
    try (ScriptedModelServer server = ScriptedModelServer.start(weatherScript())) {
      ModelClient client = new ModelClient(server);
      List<ModelClient.Event> events =
          ModelClient.events(client.open(client.openAi(openAiFirstTurn(true))).body());

      Map<Integer, StringBuilder> arguments = new TreeMap<>();
      String finish = null;
      int pieces = 0;
      for (ModelClient.Event event : events) {
        if (event.data().equals("[DONE]")) {
          continue;
        }
        JsonNode choice = event.json().path("choices").path(0);
        finish =
            choice.path("finish_reason").isTextual()
                ? choice.path("finish_reason").asText()
                : finish;
        for (JsonNode call : choice.path("delta").path("tool_calls")) {
          if (call.has("id")) {
            assertThat(call.path("id").asText()).isEqualTo("call_1");
            assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
          }
          pieces++;
          arguments
              .computeIfAbsent(call.path("index").asInt(), i -> new StringBuilder())
              .append(call.path("function").path("arguments").asText());
        }
      }
      assertThat(finish).isEqualTo("tool_calls");
      assertThat(pieces).isGreaterThan(2);
      assertThat(arguments).hasSize(1);
      assertThat(node(arguments.get(0).toString())).isEqualTo(node("{\"city\": \"Paris\"}"));
    }
  }

  @Test
  void anAnthropicAnswerCallsToolsWithToolUseBlocks() throws Exception {
    try (ScriptedModelServer server = ScriptedModelServer.start(weatherScript())) {
      ModelClient client = new ModelClient(server);
      JsonNode body = json(client.send(client.anthropic(anthropicFirstTurn(false))));

      assertThat(body.path("stop_reason").asText()).isEqualTo("tool_use");
      assertThat(body.path("content").path(0).path("text").asText()).isEqualTo("Let me look.");
      JsonNode use = body.path("content").path(1);
      assertThat(use.path("type").asText()).isEqualTo("tool_use");
      assertThat(use.path("id").asText()).isEqualTo("call_1");
      assertThat(use.path("name").asText()).isEqualTo("get_weather");
      assertThat(use.path("input")).isEqualTo(node("{\"city\": \"Paris\"}"));
      assertThat(server.requests().get(0).tools().get(0).parameters().path("type").asText())
          .isEqualTo("object");
    }
  }

  @Test
  void aStreamedAnthropicAnswerSendsAToolUseBlockAndItsInputInJsonPieces() throws Exception {
    try (ScriptedModelServer server = ScriptedModelServer.start(weatherScript())) {
      ModelClient client = new ModelClient(server);
      List<ModelClient.Event> events =
          ModelClient.events(client.open(client.anthropic(anthropicFirstTurn(true))).body());

      JsonNode start =
          events.stream()
              .filter(e -> e.name().equals("content_block_start"))
              .map(ModelClient.Event::json)
              .filter(e -> e.path("content_block").path("type").asText().equals("tool_use"))
              .findFirst()
              .orElseThrow();
      assertThat(start.path("index").asInt()).isEqualTo(1);
      assertThat(start.path("content_block").path("name").asText()).isEqualTo("get_weather");
      StringBuilder input = new StringBuilder();
      events.stream()
          .filter(e -> e.name().equals("content_block_delta"))
          .map(ModelClient.Event::json)
          .filter(e -> e.path("delta").path("type").asText().equals("input_json_delta"))
          .peek(e -> assertThat(e.path("index").asInt()).isEqualTo(1))
          .forEach(e -> input.append(e.path("delta").path("partial_json").asText()));
      assertThat(node(input.toString())).isEqualTo(node("{\"city\": \"Paris\"}"));
      JsonNode delta =
          events.stream()
              .filter(e -> e.name().equals("message_delta"))
              .findFirst()
              .orElseThrow()
              .json();
      assertThat(delta.path("delta").path("stop_reason").asText()).isEqualTo("tool_use");
    }
  }

  @Test
  void aRequestEndingInToolResultsIsMatchedByLastRoleAndByTheResultsContent() throws Exception {
    try (ScriptedModelServer server = ScriptedModelServer.start(weatherScript())) {
      ModelClient client = new ModelClient(server);
      String afterTool =
          """
          {"model": "%s", %s, "messages": [
            {"role": "user", "content": "What is the weather in Paris?"},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "call_9",
              "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "call_9", "content": "%s"}]}
          """;
      JsonNode sunny =
          json(client.send(client.openAi(afterTool.formatted("m", OPENAI_TOOLS, "sunny"))));
      JsonNode rain =
          json(client.send(client.openAi(afterTool.formatted("other", OPENAI_TOOLS, "rain"))));

      assertThat(sunny.path("choices").path(0).path("message").path("content").asText())
          .isEqualTo("It is sunny in Paris.");
      assertThat(sunny.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
      assertThat(rain.path("choices").path(0).path("message").path("content").asText())
          .isEqualTo("It rains.");
    }
  }

  @Test
  void anAnthropicTurnOfToolResultsIsTheToolsTurn() throws Exception {
    try (ScriptedModelServer server = ScriptedModelServer.start(weatherScript())) {
      ModelClient client = new ModelClient(server);
      String body =
          """
          {"model": "other", "max_tokens": 100, %s, "messages": [
            {"role": "user", "content": "What is the weather in Paris?"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1",
              "name": "get_weather", "input": {"city": "Paris"}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1",
              "content": "rain all day"}]}]}
          """
              .formatted(ANTHROPIC_TOOLS);
      JsonNode answer = json(client.send(client.anthropic(body)));

      assertThat(answer.path("content").path(0).path("text").asText()).isEqualTo("It rains.");
    }
  }

  @Test
  void resultsWithoutTheirCallsAreRefusedAsTheProvidersDo() throws Exception {
    try (ScriptedModelServer server = ScriptedModelServer.start(weatherScript())) {
      ModelClient client = new ModelClient(server);
      HttpResponse<String> openAi =
          client.send(
              client.openAi(
                  """
                  {"model": "m", "messages": [{"role": "user", "content": "hi"},
                    {"role": "tool", "tool_call_id": "call_x", "content": "42"}]}
                  """));
      HttpResponse<String> anthropic =
          client.send(
              client.anthropic(
                  """
                  {"model": "m", "max_tokens": 10, "messages": [
                    {"role": "user", "content": [{"type": "tool_result",
                      "tool_use_id": "toolu_x", "content": "42"}]}]}
                  """));
      HttpResponse<String> unanswered =
          client.send(
              client.openAi(
                  """
                  {"model": "m", "messages": [{"role": "user", "content": "hi"},
                    {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function",
                      "function": {"name": "f", "arguments": "{}"}}]},
                    {"role": "user", "content": "well?"}]}
                  """));

      assertThat(openAi.statusCode()).isEqualTo(400);
      assertThat(json(openAi).path("error").path("message").asText()).contains("tool_calls");
      assertThat(anthropic.statusCode()).isEqualTo(400);
      assertThat(json(anthropic).path("error").path("message").asText()).contains("tool_use_id");
      assertThat(unanswered.statusCode()).isEqualTo(400);
    }
  }

  @Test
  void aScriptReadsToolCallsIdsAndRawArgumentsAndRefusesMalformedOnes() throws Exception {
    Script script =
        Script.fromJson(
            """
            {"entries": [
              {"toolCalls": [{"id": "fixed", "name": "a", "arguments": {"x": 1}},
                             {"name": "b", "rawArguments": "{\\"x\\": "}]}]}
            """);
    try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
      ModelClient client = new ModelClient(server);
      JsonNode calls =
          json(client.send(client.openAi(ModelClient.openAiBody("m", "go", false))))
              .path("choices")
              .path(0)
              .path("message")
              .path("tool_calls");

      assertThat(calls.path(0).path("id").asText()).isEqualTo("fixed");
      assertThat(calls.path(1).path("id").asText()).isEqualTo("call_1");
      assertThat(calls.path(1).path("function").path("arguments").asText()).isEqualTo("{\"x\": ");
    }
    assertThatThrownBy(
            () -> Script.fromJson("{\"entries\": [{\"toolCalls\": [{\"arguments\": {}}]}]}"))
        .hasMessageContaining("needs a name");
    assertThatThrownBy(
            () ->
                Script.fromJson(
                    "{\"entries\": [{\"toolCalls\": [{\"name\": \"a\", \"arguments\": [1]}]}]}"))
        .hasMessageContaining("JSON object");
  }

  private static JsonNode node(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
