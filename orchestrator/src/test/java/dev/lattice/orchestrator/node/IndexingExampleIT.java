package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.modelserver.script.Script;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.testing.JournalRows;
import dev.lattice.orchestrator.testing.ScriptedNode;
import dev.lattice.protocol.json.LatticeJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The indexing example of docs/agents.md as a user runs it: {@code examples/indexing.json} with
 * {@code examples/indexing-payload.json} sent over HTTP to a node with the default agents (the
 * in-process embedding model, the vector table in its H2 file journal) and the model server's
 * example script. Each test works in a tenant of its own, so their rows never mix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IndexingExampleIT {
  private static final Path EXAMPLES = Path.of("..", "examples");
  private static final String COLLECTION = "handbook";

  /** Indexing loads the model (a second or two) and embeds some twenty chunks. */
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

  private static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");

  private final HttpRuns http = new HttpRuns();
  private ScriptedNode node;
  private Lattice lattice;
  private String api;

  @BeforeAll
  void start(@TempDir Path data) {
    node = ScriptedNode.start(data, Script.example());
    lattice = node.lattice();
    api = node.api();
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Test
  void theExampleStoresEveryChunkAndRetrievesTheRightDocumentFirst() throws Exception {
    JsonNode run = runExample("acme");

    assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("completed");
    List<JsonNode> splits = steps(run, ".split");
    assertThat(splits).hasSize(4);
    int chunks = 0;
    for (JsonNode split : splits) {
      chunks += split.get("output").get("chunks").size();
    }
    // 200-character chunks of texts of 300 and more: several per document.
    assertThat(chunks).isGreaterThan(splits.size());
    assertThat(JournalRows.vectors(lattice, "acme", COLLECTION)).isEqualTo(chunks);

    JsonNode matches = step(run, "retrieve").get("output").get("matches");
    assertThat(matches).hasSize(3);
    assertThat(matches.get(0).get("document").asText()).isEqualTo("waits");
    assertThat(matches.get(0).get("text").asText()).contains("approval");
    assertThat(matches.get(0).get("metadata").get("title").asText())
        .isEqualTo("Waits and approvals");
    for (int i = 1; i < matches.size(); i++) {
      assertThat(matches.get(i).get("score").asDouble())
          .isLessThanOrEqualTo(matches.get(i - 1).get("score").asDouble());
    }
    assertThat(step(run, "answer").get("output").get("text").asText()).contains("366 days");
    JsonNode embed = steps(run, ".embed").get(0).get("output");
    assertThat(embed.get("model").asText()).isEqualTo("all-minilm-l6-v2");
    assertThat(embed.get("dimension").asInt()).isEqualTo(384);
  }

  @Test
  void runningTheExampleAgainStoresNoChunkTwice() throws Exception {
    JsonNode first = runExample("initech");
    long stored = JournalRows.vectors(lattice, "initech", COLLECTION);

    JsonNode second = runExample("initech");

    assertThat(first.get("status").asText()).isEqualTo("completed");
    assertThat(second.get("status").asText()).as(second.toString()).isEqualTo("completed");
    assertThat(stored).isPositive();
    assertThat(JournalRows.vectors(lattice, "initech", COLLECTION)).isEqualTo(stored);
    for (JsonNode store : steps(second, ".store")) {
      assertThat(store.get("output").get("removed").asInt()).isZero();
    }
  }

  @Test
  void aTenantFindsNothingOfAnothersCollection() throws Exception {
    assertThat(runExample("umbrella").get("status").asText()).isEqualTo("completed");
    String query =
        "{\"steps\": [{\"id\": \"retrieve\", \"capability\": \"vectors.query\","
            + " \"input\": {\"collection\": \"handbook\","
            + " \"text\": \"How long may a step wait for a person's approval?\"}}]}";

    JsonNode other = await(start("{\"tenant\": \"globex\", \"plan\": " + query + "}"));
    JsonNode own = await(start("{\"tenant\": \"umbrella\", \"plan\": " + query + "}"));

    assertThat(other.get("status").asText()).as(other.toString()).isEqualTo("completed");
    assertThat(step(other, "retrieve").get("output").get("matches")).isEmpty();
    assertThat(JournalRows.vectors(lattice, "globex", COLLECTION)).isZero();
    assertThat(step(own, "retrieve").get("output").get("matches")).isNotEmpty();
  }

  /** Runs the example plan with the example payload as {@code tenant}; the run's final state. */
  private JsonNode runExample(String tenant) throws Exception {
    ObjectNode request = LatticeJson.mapper().createObjectNode();
    request.put("tenant", tenant);
    request.set("plan", json(EXAMPLES.resolve("indexing.json")));
    request.set("payload", json(EXAMPLES.resolve("indexing-payload.json")));
    return await(start(request.toString()));
  }

  private String start(String request) throws Exception {
    return http.execute(api, request, UUID.randomUUID().toString());
  }

  private JsonNode await(String runId) {
    AtomicReference<JsonNode> last = new AtomicReference<>();
    Await.until(
        () -> {
          try {
            last.set(http.run(api, runId));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return TERMINAL.contains(last.get().get("status").asText());
        },
        RUN_TIMEOUT,
        () -> String.valueOf(last.get()));
    return last.get();
  }

  private static JsonNode json(Path file) throws Exception {
    return LatticeJson.mapper().readTree(Files.readString(file));
  }

  private static JsonNode step(JsonNode run, String id) {
    for (JsonNode step : run.get("steps")) {
      if (step.get("id").asText().equals(id)) {
        return step;
      }
    }
    throw new AssertionError("no step " + id + " in " + run);
  }

  /** The map's element steps whose ids end with {@code suffix}, in the elements' order. */
  private static List<JsonNode> steps(JsonNode run, String suffix) {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode step : run.get("steps")) {
      String id = step.get("id").asText();
      if (id.startsWith("index.") && id.endsWith(suffix)) {
        found.add(step);
      }
    }
    found.sort((a, b) -> a.get("id").asText().compareTo(b.get("id").asText()));
    return found;
  }
}
