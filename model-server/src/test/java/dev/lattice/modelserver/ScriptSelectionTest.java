package dev.lattice.modelserver;

import static dev.lattice.modelserver.ModelClient.json;
import static dev.lattice.modelserver.ModelClient.openAiBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class ScriptSelectionTest {

  @Test
  void entriesWithoutAMatchAnswerInOrderEachItsTimes() throws Exception {
    Script script = Script.of(ScriptEntry.text("first").times(2), ScriptEntry.text("second"));
    try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
      ModelClient client = new ModelClient(server);

      assertThat(content(client, "a")).isEqualTo("first");
      assertThat(content(client, "b")).isEqualTo("first");
      assertThat(content(client, "c")).isEqualTo("second");
      HttpResponse<String> exhausted = client.send(client.openAi(openAiBody("m", "d", false)));
      assertThat(exhausted.statusCode()).isEqualTo(400);
      assertThat(json(exhausted).path("error").path("message").asText())
          .contains("has answered all its times");
    }
  }

  @Test
  void matchedEntriesAnswerTheRequestsTheyMatch() throws Exception {
    Script script =
        Script.of(
            ScriptEntry.text("a summary").when(Match.contains("summarise")),
            ScriptEntry.text("a review").when(Match.regex("(?i)^review\\b")),
            ScriptEntry.text("the big model").when(Match.model("big")));
    try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
      ModelClient client = new ModelClient(server);

      assertThat(content(client, "Review this")).isEqualTo("a review");
      assertThat(content(client, "please summarise")).isEqualTo("a summary");
      assertThat(content(client, "please summarise")).isEqualTo("a summary");
      assertThat(contentFor(client, "big", "anything")).isEqualTo("the big model");
    }
  }

  @Test
  void aMatchedEntryWithTimesGivesWayToTheNextThatMatches() throws Exception {
    Script script =
        Script.of(
            ScriptEntry.text("not yet").when(Match.contains("deploy")).times(2),
            ScriptEntry.text("deployed").when(Match.contains("deploy")));
    try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
      ModelClient client = new ModelClient(server);

      assertThat(content(client, "deploy")).isEqualTo("not yet");
      assertThat(content(client, "deploy")).isEqualTo("not yet");
      assertThat(content(client, "deploy")).isEqualTo("deployed");
      assertThat(content(client, "deploy")).isEqualTo("deployed");
    }
  }

  @Test
  void aRequestNoEntryMatchesGetsA400SayingWhyInEachProvidersShape() throws Exception {
    Script script = Script.of(ScriptEntry.text("x").when(Match.contains("summarise")));
    try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
      ModelClient client = new ModelClient(server);
      HttpResponse<String> openAi =
          client.send(client.openAi(openAiBody("m", "translate this", false)));
      HttpResponse<String> anthropic =
          client.send(client.anthropic(ModelClient.anthropicBody("c", "translate this", false)));

      assertThat(openAi.statusCode()).isEqualTo(400);
      JsonNode error = json(openAi).path("error");
      assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
      assertThat(error.path("message").asText())
          .contains("no script entry matches")
          .contains("'translate this'");
      assertThat(anthropic.statusCode()).isEqualTo(400);
      assertThat(json(anthropic).path("type").asText()).isEqualTo("error");
      assertThat(json(anthropic).path("error").path("message").asText())
          .contains("no script entry matches");
    }
  }

  private static String content(ModelClient client, String userMessage) throws Exception {
    return contentFor(client, "m", userMessage);
  }

  private static String contentFor(ModelClient client, String model, String userMessage)
      throws Exception {
    HttpResponse<String> response =
        client.send(client.openAi(openAiBody(model, userMessage, false)));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response).path("choices").path(0).path("message").path("content").asText();
  }
}
