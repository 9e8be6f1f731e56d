package dev.lattice.modelserver;

import static dev.lattice.modelserver.ModelClient.anthropicBody;
import static dev.lattice.modelserver.ModelClient.json;
import static dev.lattice.modelserver.ModelClient.openAiBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class AuthTest {

  private static final String KEY = "sk-test-0123456789";
  private static final Script SCRIPT =
      Script.of(ScriptEntry.text("ok").when(new Match(null, null, null)));

  @Test
  void refusesOpenAiRequestsWithoutTheBearerKey() throws Exception {
    try (ScriptedModelServer server = start()) {
      ModelClient client = new ModelClient(server);
      HttpResponse<String> none = client.send(client.openAi(openAiBody("m", "a", false)));
      HttpResponse<String> wrong =
          client.send(
              client
                  .openAi(openAiBody("m", "a", false))
                  .header("Authorization", "Bearer sk-other"));
      HttpResponse<String> right =
          client.send(
              client.openAi(openAiBody("m", "a", false)).header("Authorization", "Bearer " + KEY));

      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(json(none).path("error").path("code").asText()).isEqualTo("invalid_api_key");
      assertThat(json(none).path("error").path("type").asText()).isEqualTo("invalid_request_error");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(right.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void refusesAnthropicRequestsWithoutTheApiKeyHeader() throws Exception {
    try (ScriptedModelServer server = start()) {
      ModelClient client = new ModelClient(server);
      HttpResponse<String> bearer =
          client.send(
              client
                  .anthropic(anthropicBody("c", "a", false))
                  .header("Authorization", "Bearer " + KEY));
      HttpResponse<String> right =
          client.send(client.anthropic(anthropicBody("c", "a", false)).header("x-api-key", KEY));

      assertThat(bearer.statusCode()).isEqualTo(401);
      assertThat(json(bearer).path("type").asText()).isEqualTo("error");
      assertThat(json(bearer).path("error").path("type").asText())
          .isEqualTo("authentication_error");
      assertThat(right.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void recordsRequestsWithoutTheirCredentials() throws Exception {
    try (ScriptedModelServer server = start()) {
      ModelClient client = new ModelClient(server);
      client.send(
          client
              .openAi(openAiBody("gpt-x", "hello", false))
              .header("Authorization", "Bearer " + KEY));
      client.send(
          client.anthropic(anthropicBody("claude-x", "hi", false)).header("x-api-key", KEY));

      assertThat(server.requests()).hasSize(2);
      RecordedRequest openAi = server.requests().get(0);
      assertThat(openAi.protocol()).isEqualTo(Protocol.OPENAI);
      assertThat(openAi.path()).isEqualTo("/v1/chat/completions");
      assertThat(openAi.model()).isEqualTo("gpt-x");
      assertThat(openAi.header("Authorization")).isEqualTo(RecordedRequest.REDACTED);
      assertThat(openAi.body().path("messages").path(1).path("content").asText())
          .isEqualTo("hello");
      assertThat(openAi.time()).isNotNull();
      RecordedRequest anthropic = server.requests().get(1);
      assertThat(anthropic.protocol()).isEqualTo(Protocol.ANTHROPIC);
      assertThat(anthropic.header("x-api-key")).isEqualTo(RecordedRequest.REDACTED);
      assertThat(anthropic.header("anthropic-version")).isEqualTo("2023-06-01");
      assertThat(server.requests()).allSatisfy(r -> assertThat(r.toString()).doesNotContain(KEY));
    }
  }

  private static ScriptedModelServer start() {
    return ScriptedModelServer.start(SCRIPT, ModelServerSettings.loopback().withApiKey(KEY));
  }
}
