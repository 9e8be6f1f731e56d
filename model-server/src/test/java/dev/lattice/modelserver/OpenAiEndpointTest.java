package dev.lattice.modelserver;

import static dev.lattice.modelserver.ModelClient.json;
import static dev.lattice.modelserver.ModelClient.openAiBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.modelserver.script.FinishReason;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Streaming;
import dev.lattice.modelserver.script.Usage;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OpenAiEndpointTest {

  @Test
  void answersAChatCompletionWithTheScriptedTextAndUsage() throws Exception {
    Script script =
        Script.of(
            ScriptEntry.text("Four.")
                .finishReason(FinishReason.LENGTH)
                .usage(Usage.of(12, 3).withCachedTokens(5).withReasoningTokens(1)));
    try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
      HttpResponse<String> response =
          new ModelClient(server)
              .send(new ModelClient(server).openAi(openAiBody("gpt-x", "2+2?", false)));

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
      JsonNode body = json(response);
      assertThat(body.path("id").asText()).startsWith("chatcmpl-");
      assertThat(body.path("object").asText()).isEqualTo("chat.completion");
      assertThat(body.path("created").asLong()).isPositive();
      assertThat(body.path("model").asText()).isEqualTo("gpt-x");
      JsonNode choice = body.path("choices").path(0);
      assertThat(choice.path("index").asInt()).isZero();
      assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
      assertThat(choice.path("message").path("content").asText()).isEqualTo("Four.");
      assertThat(choice.path("finish_reason").asText()).isEqualTo("length");
      JsonNode usage = body.path("usage");
      assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(12);
      assertThat(usage.path("completion_tokens").asInt()).isEqualTo(3);
      assertThat(usage.path("total_tokens").asInt()).isEqualTo(15);
      assertThat(usage.path("prompt_tokens_details").path("cached_tokens").asInt()).isEqualTo(5);
      assertThat(usage.path("completion_tokens_details").path("reasoning_tokens").asInt())
          .isEqualTo(1);
    }
  }

  @Test
  void estimatesUsageFromTheTextWhenTheScriptGivesNone() throws Exception {
    try (ScriptedModelServer server =
        ScriptedModelServer.start(Script.of(ScriptEntry.text("12345678")))) {
      ModelClient client = new ModelClient(server);
      String body =
          """
          {"model": "m", "messages": [{"role": "user", "content": "abcdefghij"}]}
          """;
      JsonNode usage = json(client.send(client.openAi(body))).path("usage");

      // "abcdefghij\n" is 11 characters: 3 tokens at 4 characters each; the answer 8: 2 tokens.
      assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(3);
      assertThat(usage.path("completion_tokens").asInt()).isEqualTo(2);
    }
  }

  @Test
  void streamsChunksThatReassembleTheTextThenUsageThenDone() throws Exception {
    String text = "The quick brown fox jumps over the lazy dog.";
    Script script =
        Script.of(
            ScriptEntry.text(text).usage(Usage.of(20, 9)).stream(Streaming.none().byChars(5)));
    try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
      ModelClient client = new ModelClient(server);
      HttpResponse<InputStream> response =
          client.open(client.openAi(openAiBody("gpt-x", "fox?", true)));

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("content-type").orElseThrow())
          .startsWith("text/event-stream");
      List<ModelClient.Event> events = ModelClient.events(response.body());
      assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
      List<JsonNode> chunks =
          events.subList(0, events.size() - 1).stream().map(ModelClient.Event::json).toList();
      assertThat(chunks)
          .allSatisfy(
              c -> assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk"));
      assertThat(chunks.get(0).path("choices").path(0).path("delta").path("role").asText())
          .isEqualTo("assistant");
      String reassembled =
          chunks.stream()
              .flatMap(c -> c.path("choices").findValues("delta").stream())
              .map(d -> d.path("content").asText(""))
              .collect(Collectors.joining());
      assertThat(reassembled).isEqualTo(text);
      JsonNode last = chunks.get(chunks.size() - 2);
      assertThat(last.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
      JsonNode usageChunk = chunks.get(chunks.size() - 1);
      assertThat(usageChunk.path("choices")).isEmpty();
      assertThat(usageChunk.path("usage").path("total_tokens").asInt()).isEqualTo(29);
      // One chunk per 5 characters, between the role chunk and the finish chunk.
      assertThat(chunks).hasSize(1 + (text.length() + 4) / 5 + 2);
    }
  }

  @Test
  void streamsWithoutAUsageChunkUnlessAskedFor() throws Exception {
    try (ScriptedModelServer server =
        ScriptedModelServer.start(Script.of(ScriptEntry.text("a b c")))) {
      ModelClient client = new ModelClient(server);
      String body =
          """
          {"model": "m", "stream": true, "messages": [{"role": "user", "content": "x"}]}
          """;
      List<ModelClient.Event> events = ModelClient.events(client.open(client.openAi(body)).body());

      assertThat(events).noneMatch(e -> e.data().contains("\"usage\""));
      // Role chunk, three words, finish chunk, [DONE].
      assertThat(events).hasSize(6);
    }
  }

  @Test
  void sendsAJsonValueAsTheTextForStructuredOutput() throws Exception {
    JsonNode verdict = ModelClient.JSON.readTree("{\"verdict\":\"approve\",\"score\":0.9}");
    try (ScriptedModelServer server =
        ScriptedModelServer.start(Script.of(ScriptEntry.json(verdict)))) {
      ModelClient client = new ModelClient(server);
      String body =
          """
          {"model": "m", "messages": [{"role": "user", "content": "review"}],
           "max_completion_tokens": 50,
           "response_format": {"type": "json_schema", "json_schema": {"name": "verdict",
             "schema": {"type": "object"}, "strict": true}}}
          """;
      JsonNode answer = json(client.send(client.openAi(body)));

      String content = answer.path("choices").path(0).path("message").path("content").asText();
      assertThat(ModelClient.JSON.readTree(content)).isEqualTo(verdict);
      assertThat(server.requests().get(0).body().path("response_format").path("type").asText())
          .isEqualTo("json_schema");
    }
  }

  @Test
  void refusesAnUnknownResponseFormatInOpenAisErrorShape() throws Exception {
    try (ScriptedModelServer server = ScriptedModelServer.start(Script.of(ScriptEntry.text("x")))) {
      ModelClient client = new ModelClient(server);
      String body =
          """
          {"model": "m", "messages": [{"role": "user", "content": "x"}],
           "response_format": {"type": "yaml"}}
          """;
      HttpResponse<String> response = client.send(client.openAi(body));

      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(json(response).path("error").path("type").asText())
          .isEqualTo("invalid_request_error");
      assertThat(json(response).path("error").path("message").asText()).contains("response_format");
    }
  }

  @Test
  void listsTheScriptsModels() throws Exception {
    Script script = Script.of(ScriptEntry.text("a").when(Match.model("small"))).withModels("large");
    try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
      ModelClient client = new ModelClient(server);
      JsonNode list = json(client.send(client.get("/v1/models")));

      assertThat(list.path("object").asText()).isEqualTo("list");
      assertThat(list.path("data").findValuesAsText("id")).containsExactly("large", "small");
      assertThat(list.path("data").path(0).path("object").asText()).isEqualTo("model");
    }
  }
}
