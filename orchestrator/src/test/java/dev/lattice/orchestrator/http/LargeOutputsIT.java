package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.StepSpec;
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
 * Over real HTTP: an output larger than {@code lattice.http.events.inline-output-max} reaches
 * followers as a reference they can fetch, a small one whole.
 */
class LargeOutputsIT {
  @TempDir Path data;

  @Test
  void aLargeOutputIsStreamedAsAReferenceToTheStepWhichHoldsItWhole() throws Exception {
    try (Lattice lattice =
        Lattice.builder()
            .dataDirectory(data)
            .config(ConfigFactory.parseString("lattice.http.events.inline-output-max = 1KiB"))
            .start()) {
      String api = LoopbackApi.start(lattice);
      ObjectNode large = LatticeJson.mapper().createObjectNode().put("text", "x".repeat(5000));
      ObjectNode small = LatticeJson.mapper().createObjectNode().put("text", "hi");
      PlanSpec plan =
          PlanSpec.of(
              StepSpec.agent("big", "echo", large), StepSpec.agent("little", "echo", small));
      RunId runId = Await.result(lattice.client().execute(ExecuteRequest.plan(plan, null))).runId();
      Await.result(lattice.client().awaitTerminal(runId));

      HttpClient http = HttpClient.newHttpClient();
      String events =
          http.send(
                  HttpRequest.newBuilder(URI.create(api + "/api/v1/runs/" + runId + "/events"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      List<JsonNode> succeeded = new ArrayList<>();
      for (String line : events.split("\n")) {
        JsonNode event = LatticeJson.mapper().readTree(line);
        if (event.path("type").asText().equals("step.succeeded")) {
          succeeded.add(event);
        }
      }
      JsonNode big = byStep(succeeded, "big").path("data").path("output");
      assertThat(big.path("$ref").asText()).isEqualTo("/api/v1/runs/" + runId + "/steps/big");
      assertThat(big.path("bytes").asLong()).isGreaterThan(5000);
      assertThat(byStep(succeeded, "little").path("data").path("output")).isEqualTo(small);

      HttpResponse<String> step =
          http.send(
              HttpRequest.newBuilder(URI.create(api + big.path("$ref").asText())).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(step.statusCode()).isEqualTo(200);
      assertThat(LatticeJson.mapper().readTree(step.body()).path("output")).isEqualTo(large);
      HttpResponse<String> missing =
          http.send(
              HttpRequest.newBuilder(URI.create(api + "/api/v1/runs/" + runId + "/steps/nope"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(missing.body()).contains("no step 'nope'");
    }
  }

  private static JsonNode byStep(List<JsonNode> events, String stepId) {
    return events.stream()
        .filter(e -> e.path("stepId").asText().equals(stepId))
        .findFirst()
        .orElseThrow();
  }
}
