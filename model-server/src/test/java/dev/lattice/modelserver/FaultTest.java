package dev.lattice.modelserver;

import static dev.lattice.modelserver.ModelClient.anthropicBody;
import static dev.lattice.modelserver.ModelClient.json;
import static dev.lattice.modelserver.ModelClient.openAiBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lattice.modelserver.script.Fault;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Streaming;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultTest {

  @Test
  void failsTwiceWithRetryAfterThenSucceeds() throws Exception {
    Script script =
        Script.of(ScriptEntry.fault(Fault.rateLimited(7)).times(2), ScriptEntry.text("done"));
    try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
      ModelClient client = new ModelClient(server);
      for (int i = 0; i < 2; i++) {
        HttpResponse<String> refused = client.send(client.openAi(openAiBody("m", "go", false)));
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("retry-after")).hasValue("7");
        assertThat(json(refused).path("error").path("code").asText())
            .isEqualTo("rate_limit_exceeded");
      }
      HttpResponse<String> answered = client.send(client.openAi(openAiBody("m", "go", false)));
      assertThat(answered.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void answersScriptedServerErrorsInEachProvidersShape() throws Exception {
    Script script =
        Script.of(ScriptEntry.fault(Fault.status(500)), ScriptEntry.fault(Fault.status(503)));
    try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
      ModelClient client = new ModelClient(server);
      HttpResponse<String> openAi = client.send(client.openAi(openAiBody("m", "go", false)));
      HttpResponse<String> anthropic =
          client.send(client.anthropic(anthropicBody("c", "go", false)));

      assertThat(openAi.statusCode()).isEqualTo(500);
      assertThat(json(openAi).path("error").path("type").asText()).isEqualTo("server_error");
      assertThat(anthropic.statusCode()).isEqualTo(503);
      assertThat(json(anthropic).path("error").path("type").asText()).isEqualTo("overloaded_error");
    }
  }

  @Test
  void saysTheContextLengthIsExceededAsEachProviderDoes() throws Exception {
    Script script = Script.of(ScriptEntry.fault(Fault.contextLengthExceeded()).times(2));
    try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
      ModelClient client = new ModelClient(server);
      HttpResponse<String> openAi = client.send(client.openAi(openAiBody("m", "long", false)));
      HttpResponse<String> anthropic =
          client.send(client.anthropic(anthropicBody("c", "long", false)));

      assertThat(openAi.statusCode()).isEqualTo(400);
      assertThat(json(openAi).path("error").path("code").asText())
          .isEqualTo("context_length_exceeded");
      assertThat(anthropic.statusCode()).isEqualTo(400);
      assertThat(json(anthropic).path("error").path("type").asText())
          .isEqualTo("invalid_request_error");
      assertThat(json(anthropic).path("error").path("message").asText())
          .contains("prompt is too long");
    }
  }

  @Test
  void dropsTheConnectionBeforeAnswering() throws Exception {
    Script script = Script.of(ScriptEntry.fault(Fault.disconnect()), ScriptEntry.text("back"));
    try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
      ModelClient client = new ModelClient(server);

      assertThatThrownBy(() -> client.send(client.openAi(openAiBody("m", "go", false))))
          .isInstanceOf(IOException.class);
      // The server itself carries on: the next request is answered.
      assertThat(client.send(client.openAi(openAiBody("m", "go", false))).statusCode())
          .isEqualTo(200);
      assertThat(server.requests()).hasSize(2);
    }
  }

  @Test
  void dropsTheConnectionInTheMiddleOfAStream() throws Exception {
    Script script =
        Script.of(
            ScriptEntry.text("one two three four five").failing(Fault.disconnectAfterTokens(2)));
    try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
      ModelClient client = new ModelClient(server);
      HttpResponse<InputStream> response =
          client.open(client.anthropic(anthropicBody("c", "go", true)));

      assertThat(response.statusCode()).isEqualTo(200);
      ModelClient.Read read = ModelClient.read(response.body());
      assertThat(read.failure()).isNotNull();
      assertThat(read.events())
          .extracting(ModelClient.Event::name)
          .containsExactly(
              "message_start", "content_block_start", "content_block_delta", "content_block_delta");
    }
  }

  @Test
  void sendsMalformedJsonWhenTold() throws Exception {
    Script script =
        Script.of(
            ScriptEntry.text("fine").failing(Fault.malformedJson()),
            ScriptEntry.text("fine words").failing(Fault.malformedJson()));
    try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
      ModelClient client = new ModelClient(server);
      HttpResponse<String> body = client.send(client.openAi(openAiBody("m", "go", false)));

      assertThat(body.statusCode()).isEqualTo(200);
      assertThatThrownBy(() -> json(body)).isInstanceOf(JsonProcessingException.class);
      var events =
          ModelClient.events(client.open(client.openAi(openAiBody("m", "go", true))).body());
      assertThatThrownBy(() -> events.get(1).json())
          .hasCauseInstanceOf(JsonProcessingException.class);
      assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
    }
  }

  @Test
  void holdsTheFirstTokenBackForTheScriptedDelay() throws Exception {
    long delayMs = 600;
    Streaming slow = Streaming.none().withFirstTokenDelayMs(delayMs);
    Script script =
        Script.of(ScriptEntry.text("late").stream(slow), ScriptEntry.text("late too").stream(slow));
    try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
      ModelClient client = new ModelClient(server);

      long sent = System.nanoTime();
      HttpResponse<InputStream> stream = client.open(client.openAi(openAiBody("m", "go", true)));
      int firstByte = stream.body().read();
      Duration streamed = Duration.ofNanos(System.nanoTime() - sent);
      stream.body().close();
      assertThat(firstByte).isNotNegative();
      assertThat(streamed).isBetween(Duration.ofMillis(delayMs), Duration.ofSeconds(15));

      long asked = System.nanoTime();
      HttpResponse<String> whole = client.send(client.openAi(openAiBody("m", "go", false)));
      Duration answered = Duration.ofNanos(System.nanoTime() - asked);
      assertThat(whole.statusCode()).isEqualTo(200);
      assertThat(answered).isBetween(Duration.ofMillis(delayMs), Duration.ofSeconds(15));
    }
  }
}
