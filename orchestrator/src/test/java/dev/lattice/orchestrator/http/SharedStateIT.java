package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over real HTTP: steps write the run's shared state with their results ({@code $state}), later
 * steps read it in templates ({@code ${state.KEY}}), every write is an event, and the run's state
 * shows the keys.
 */
class SharedStateIT {
  @TempDir Path data;

  @Test
  void stepsWriteSharedStateThatLaterStepsReadAndTheRunShows() throws Exception {
    String plan =
        "{\"plan\": {\"steps\": ["
            + "{\"id\": \"draft\", \"capability\": \"echo\", \"input\": {\"text\": \"v1\","
            + " \"$state\": {\"draft\": \"v1\", \"reviews\": 0}}},"
            + "{\"id\": \"redraft\", \"capability\": \"echo\", \"dependsOn\": [\"draft\"],"
            + " \"input\": {\"$state\": [{\"key\": \"draft\", \"value\": \"v2 after ${state.draft}\"},"
            + " {\"key\": \"scratch\", \"value\": 1, \"scope\": \"private\"}]}},"
            + "{\"id\": \"publish\", \"capability\": \"echo\", \"dependsOn\": [\"redraft\"],"
            + " \"input\": {\"published\": \"${state.draft}\", \"reviews\": \"${state.reviews}\"}}]}}";
    try (Lattice lattice = Lattice.builder().dataDirectory(data).start()) {
      String api = LoopbackApi.start(lattice);
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> accepted =
          http.send(
              HttpRequest.newBuilder(URI.create(api + "/api/v1/execute"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(plan))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
      RunId runId = RunId.of(LatticeJson.mapper().readTree(accepted.body()).get("runId").asText());
      Await.result(lattice.client().awaitTerminal(runId));

      HttpRuns runs = new HttpRuns();
      JsonNode run = runs.run(api, runId.value());
      assertThat(run.path("status").asText()).isEqualTo("completed");
      assertThat(run.path("output").path("publish"))
          .isEqualTo(
              LatticeJson.mapper().readTree("{\"published\": \"v2 after v1\", \"reviews\": 0}"));
      List<String> keys = new ArrayList<>();
      run.path("state")
          .forEach(e -> keys.add(e.path("key").asText() + "@" + e.path("scope").asText()));
      assertThat(keys).containsExactly("draft@shared", "reviews@shared", "scratch@private");

      List<String> written = new ArrayList<>();
      for (JsonNode event : runs.events(api, runId.value())) {
        if (event.path("type").asText().equals("state.written")) {
          written.add(
              event.path("stepId").asText()
                  + ":"
                  + event.path("data").path("entry").path("key").asText());
        }
      }
      assertThat(written)
          .containsExactly("draft:draft", "draft:reviews", "redraft:draft", "redraft:scratch");
    }
  }
}
