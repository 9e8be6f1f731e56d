package dev.lattice.modelserver;

import static dev.lattice.modelserver.ModelClient.anthropicBody;
import static dev.lattice.modelserver.ModelClient.json;
import static dev.lattice.modelserver.ModelClient.openAiBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.modelserver.script.Script;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ExampleScriptTest {

  @Test
  void theExampleScriptAnswersASummaryAReviewAndAnythingElse() throws Exception {
    try (ScriptedModelServer server = ScriptedModelServer.start(Script.example())) {
      ModelClient client = new ModelClient(server);

      String summary =
          ModelClient.events(
                  client
                      .open(
                          client.anthropic(anthropicBody("claude-x", "Summarise this diff", true)))
                      .body())
              .stream()
              .filter(e -> "content_block_delta".equals(e.name()))
              .map(e -> e.json().path("delta").path("text").asText())
              .collect(Collectors.joining());
      assertThat(summary).contains("retries");

      JsonNode review = json(client.send(client.openAi(openAiBody("gpt-x", "Review it", false))));
      String verdict = review.path("choices").path(0).path("message").path("content").asText();
      assertThat(ModelClient.JSON.readTree(verdict).path("verdict").asText()).isEqualTo("approve");

      JsonNode other = json(client.send(client.openAi(openAiBody("gpt-x", "Hello", false))));
      assertThat(other.path("choices").path(0).path("message").path("content").asText())
          .contains("scripted model server");
    }
  }

  @Test
  void aScriptReadsBackFromItsOwnJson() {
    Script example = Script.example();

    assertThat(Script.fromJson(example.toJson())).isEqualTo(example);
    assertThat(example.listedModels()).containsExactly("scripted-model");
  }
}
