package dev.lattice.orchestrator.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.RunAccepted;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.run.RunView;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.AgentAction;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** The example of docs/embedding.md; EmbeddingExampleIT keeps the two identical and running. */
public final class EmbeddingExample {
  private EmbeddingExample() {}

  // example:start
  public static void main(String[] args) throws Exception {
    // A custom agent. Real ones call a model or an API; they report what they used.
    AgentAction summarize =
        (request, context) ->
            CompletableFuture.supplyAsync(
                () -> {
                  String text = request.input().path("text").asText();
                  ObjectNode output = context.json().createObjectNode();
                  output.put("summary", text.length() > 24 ? text.substring(0, 24) + "..." : text);
                  Usage usage =
                      new Usage("tiny-model", text.length() / 4, 8, new BigDecimal("0.0001"));
                  return ActionResult.of(output, usage);
                },
                context.executor());

    Path data = Path.of(args.length > 0 ? args[0] : "data");
    try (Lattice lattice =
        Lattice.builder().dataDirectory(data).action("summarize", summarize).start()) {
      LatticeClient client = lattice.client();
      PlanSpec plan =
          LatticeJson.mapper()
              .readValue(
                  """
                  {"steps": [
                    {"id": "fetch", "capability": "echo", "input": {"text": "${payload.text}"}},
                    {"id": "summary", "capability": "summarize", "dependsOn": ["fetch"],
                     "input": {"text": "${steps.fetch.output.text}"}}
                  ]}""",
                  PlanSpec.class);
      JsonNode payload =
          LatticeJson.mapper()
              .readTree("{\"text\": \"Lattice runs durable agent work on the JVM.\"}");

      RunAccepted run =
          client.execute(ExecuteRequest.plan(plan, payload)).toCompletableFuture().join();
      client
          .events(run.runId(), 1)
          .runForeach(
              e -> System.out.println(e.seq() + " " + e.type() + " " + e.data()), lattice.system())
          .toCompletableFuture()
          .join();
      RunView done = client.awaitTerminal(run.runId()).toCompletableFuture().join();
      System.out.println(done.status() + " " + done.output() + " " + done.usage());
    }
  }
  // example:end
}
