package dev.lattice.modelserver;

import static dev.lattice.modelserver.ModelClient.anthropicBody;
import static dev.lattice.modelserver.ModelClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.modelserver.script.FinishReason;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Usage;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AnthropicEndpointTest {

  @Test
  void answersAMessageWithTheScriptedTextAndUsage() throws Exception {
    Script script =
        Script.of(
            ScriptEntry.text("Four.")
                .finishReason(FinishReason.LENGTH)
                .usage(Usage.of(12, 3).withCachedTokens(4)));
    try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
      ModelClient client = new ModelClient(server);
      HttpResponse<String> response =
          client.send(client.anthropic(anthropicBody("claude-x", "2+2?", false)));

      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode body = json(response);
      assertThat(body.path("id").asText()).startsWith("msg_");
      assertThat(body.path("type").asText()).isEqualTo("message");
      assertThat(body.path("role").asText()).isEqualTo("assistant");
      assertThat(body.path("model").asText()).isEqualTo("claude-x");
      assertThat(body.path("content").path(0).path("type").asText()).isEqualTo("text");
      assertThat(body.path("content").path(0).path("text").asText()).isEqualTo("Four.");
      assertThat(body.path("stop_reason").asText()).isEqualTo("max_tokens");
      // 12 prompt tokens, 4 of them read from the cache: Anthropic counts those apart.
      assertThat(body.path("usage").path("input_tokens").asInt()).isEqualTo(8);
      assertThat(body.path("usage").path("output_tokens").asInt()).isEqualTo(3);
      assertThat(body.path("usage").path("cache_read_input_tokens").asInt()).isEqualTo(4);
    }
  }

  @Test
  void streamsTheMessageEventsInAnthropicsOrder() throws Exception {
    String text = "Retries are durable now.";
    Script script = Script.of(ScriptEntry.text(text).usage(Usage.of(30, 6)));
    try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
      ModelClient client = new ModelClient(server);
      HttpResponse<InputStream> response =
          client.open(client.anthropic(anthropicBody("claude-x", "summarise", true)));

      assertThat(response.headers().firstValue("content-type").orElseThrow())
          .startsWith("text/event-stream");
      List<ModelClient.Event> events = ModelClient.events(response.body());
      List<String> names = events.stream().map(ModelClient.Event::name).distinct().toList();
      assertThat(names)
          .containsExactly(
              "message_start",
              "content_block_start",
              "content_block_delta",
              "content_block_stop",
              "message_delta",
              "message_stop");
      assertThat(events)
          .allSatisfy(e -> assertThat(e.json().path("type").asText()).isEqualTo(e.name()));
      JsonNode start = events.get(0).json().path("message");
      assertThat(start.path("usage").path("input_tokens").asInt()).isEqualTo(30);
      String reassembled =
          events.stream()
              .filter(e -> e.name().equals("content_block_delta"))
              .map(e -> e.json().path("delta"))
              .peek(d -> assertThat(d.path("type").asText()).isEqualTo("text_delta"))
              .map(d -> d.path("text").asText())
              .collect(Collectors.joining());
      assertThat(reassembled).isEqualTo(text);
      JsonNode delta = events.get(events.size() - 2).json();
      assertThat(delta.path("delta").path("stop_reason").asText()).isEqualTo("end_turn");
      assertThat(delta.path("usage").path("output_tokens").asInt()).isEqualTo(6);
    }
  }

  @Test
  void refusesARequestWithoutAnAnthropicVersionInItsErrorShape() throws Exception {
    try (ScriptedModelServer server = ScriptedModelServer.start(Script.of(ScriptEntry.text("x")))) {
      ModelClient client = new ModelClient(server);
      HttpRequest.Builder request =
          client.post("/v1/messages", anthropicBody("claude-x", "hi", false));
      HttpResponse<String> response = client.send(request);

      assertThat(response.statusCode()).isEqualTo(400);
      JsonNode body = json(response);
      assertThat(body.path("type").asText()).isEqualTo("error");
      assertThat(body.path("error").path("type").asText()).isEqualTo("invalid_request_error");
      assertThat(body.path("error").path("message").asText()).contains("anthropic-version");
    }
  }
}
