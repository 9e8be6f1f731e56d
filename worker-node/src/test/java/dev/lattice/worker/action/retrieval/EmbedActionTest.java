package dev.lattice.worker.action.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.plan.Budget;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionRequest;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.AgentAction;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The split and embed actions, the latter with the real in-process model. */
class EmbedActionTest {
  private static final RetrievalSettings SETTINGS =
      RetrievalSettings.create(ConfigFactory.defaultReference());
  private static final ExecutorService EXECUTOR = Executors.newFixedThreadPool(2);
  private static final ActionContext CONTEXT =
      new ActionContext(AgentId.of("t.embed"), EXECUTOR, LatticeJson.mapper());

  private final AgentAction embed = new EmbedAction(SETTINGS.embeddings(), new InProcessEmbedder());
  private final AgentAction split = new SplitAction(SETTINGS.split());

  @AfterAll
  static void stop() {
    EXECUTOR.shutdownNow();
  }

  @Test
  void embedsEachTextInOrderSoThatTextsOfOneMeaningAreClose() {
    ActionResult result =
        run(
            embed,
            "{'texts': ['The timer survives a restart of the node.',"
                + " 'Budgets cap what a run spends.',"
                + " 'After a restart the node still fires the timer.']}");

    JsonNode output = result.output();
    assertThat(output.get("model").asText()).isEqualTo(InProcessEmbedder.MODEL);
    assertThat(output.get("dimension").asInt()).isEqualTo(384);
    List<float[]> vectors = vectors(output.get("vectors"));
    assertThat(vectors).hasSize(3).allSatisfy(v -> assertThat(v).hasSize(384));
    Nearest nearest = new Nearest(vectors.get(0), 2);
    nearest.offer("budgets", vectors.get(1));
    nearest.offer("restart", vectors.get(2));
    assertThat(nearest.best().get(0).id()).isEqualTo("restart");
    assertThat(result.usage().model()).isEqualTo(InProcessEmbedder.MODEL);
    assertThat(result.usage().promptTokens()).isPositive();
  }

  @Test
  void oneTextGetsOneVector() {
    JsonNode output = run(embed, "{'text': 'One text.'}").output();

    assertThat(output.get("vector")).hasSize(384);
    assertThat(output.has("vectors")).isFalse();
  }

  @Test
  void inputThatCannotBeEmbeddedIsRefusedAsInvalid() {
    assertInvalid(embed, "{'texts': []}", "non-empty list");
    assertInvalid(embed, "{'text': 'a', 'texts': ['b']}", "not both");
    assertInvalid(embed, "{'texts': ['a', 2]}", "input.texts[1]");
    assertInvalid(embed, "{'text': 'a', 'model': 'x'}", "unknown input field 'model'");
    assertInvalid(embed, "{'texts': [" + "'a', ".repeat(128) + "'a']}", "max-texts (128)");
  }

  @Test
  void splitCutsTheTextWithTheStepsSizesOrTheConfiguredOnes() {
    String text = "One sentence here. ".repeat(200);

    JsonNode configured = run(split, "{'text': '" + text + "'}").output().get("chunks");
    JsonNode small =
        run(split, "{'text': '" + text + "', 'chunkSize': 100}").output().get("chunks");

    assertThat(configured).allSatisfy(c -> assertThat(c.asText()).hasSizeLessThanOrEqualTo(1000));
    assertThat(small.size()).isGreaterThan(configured.size());
    assertThat(small).allSatisfy(c -> assertThat(c.asText()).hasSizeLessThanOrEqualTo(100));
  }

  @Test
  void splitRefusesSizesOutOfRangeAndTextsOfTooManyChunks() {
    assertInvalid(split, "{'text': 'x', 'chunkSize': 5}", "between 20 and 8000");
    assertInvalid(split, "{'text': 'x', 'chunkSize': 100, 'overlap': 60}", "between 0 and 50");
    assertInvalid(split, "{'chunks': 'x'}", "unknown input field 'chunks'");
    assertInvalid(
        split,
        "{'text': '" + "word ".repeat(2000) + "', 'chunkSize': 20}",
        "lattice.split.max-chunks (128)");
  }

  private static ActionResult run(AgentAction action, String input) {
    return action.execute(request(input), CONTEXT).toCompletableFuture().join();
  }

  private static void assertInvalid(AgentAction action, String input, String message) {
    assertThatThrownBy(() -> run(action, input))
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(ActionException.class)
        .hasMessageContaining(message)
        .satisfies(
            e ->
                assertThat(((ActionException) e).errorClass()).isEqualTo(ErrorClass.INVALID_INPUT));
  }

  private static ActionRequest request(String input) {
    try {
      return new ActionRequest(
          "r",
          "s",
          1,
          "r/s/1",
          "default",
          "embed",
          null,
          Budget.UNLIMITED,
          Instant.now().plusSeconds(60),
          LatticeJson.mapper().readTree(input.replace('\'', '"')),
          List.of());
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static List<float[]> vectors(JsonNode array) {
    return java.util.stream.StreamSupport.stream(array.spliterator(), false)
        .map(
            v -> {
              float[] vector = new float[v.size()];
              for (int i = 0; i < vector.length; i++) {
                vector[i] = v.get(i).floatValue();
              }
              return vector;
            })
        .toList();
  }
}
