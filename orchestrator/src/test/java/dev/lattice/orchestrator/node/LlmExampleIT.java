package dev.lattice.orchestrator.node;

import static dev.lattice.orchestrator.plan.Plans.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Script;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.ScriptedNode;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepView;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's LLM example as a new user runs it: the shipped plan, the default agents and the
 * model server's example script; only the server's port differs (a free one here).
 */
class LlmExampleIT {
  private static final Path EXAMPLE = Path.of("..", "examples", "llm-review.json");

  @TempDir Path data;

  /** A node with the default agents, its local provider at {@code models}. */
  private Lattice nodeOf(ScriptedModelServer models) {
    return ScriptedNode.builder(data, models).start();
  }

  @Test
  void theExamplePlanRunsAgainstTheExampleScript() throws Exception {
    PlanSpec plan = LatticeJson.mapper().readValue(Files.readString(EXAMPLE), PlanSpec.class);
    try (ScriptedModelServer models = ScriptedModelServer.start(Script.example());
        Lattice lattice = nodeOf(models)) {
      RunId runId =
          Await.result(lattice.client().execute(ExecuteRequest.plan(plan, json("{}")))).runId();
      RunView done = Await.result(lattice.client().awaitTerminal(runId));

      assertThat(done.status()).as(String.valueOf(done.cause())).isEqualTo(RunStatus.COMPLETED);
      assertThat(done.steps().get(0).output().get("text").asText()).contains("retries");
      assertThat(done.steps().get(1).output().get("json").get("verdict").asText())
          .isEqualTo("approve");
      // A step that calls a tool: its turns and the call are steps of their own.
      assertThat(done.steps())
          .filteredOn(s -> s.id().equals("check"))
          .singleElement()
          .satisfies(s -> assertThat(s.output().get("text").asText()).contains("claim holds"));
      assertThat(done.steps())
          .extracting(StepView::id)
          .contains("check.t1", "check.t1.c1", "check.t2");
      assertThat(done.usage().completionTokens()).isPositive();
    }
  }

  /** The README's goal: the example script's planner answers a plan of two llm steps. */
  @Test
  void theExampleGoalIsPlannedAndRunAgainstTheExampleScript() {
    try (ScriptedModelServer models = ScriptedModelServer.start(Script.example());
        Lattice lattice = nodeOf(models)) {
      ExecuteRequest goal =
          ExecuteRequest.goal(
              "Summarise the change in the payload, then review the summary.",
              json("{'change': 'Retries move from the worker into the run entity.'}"));
      RunId runId = Await.result(lattice.client().execute(goal)).runId();
      RunView done = Await.result(lattice.client().awaitTerminal(runId));

      assertThat(done.status()).as(String.valueOf(done.cause())).isEqualTo(RunStatus.COMPLETED);
      assertThat(done.steps())
          .extracting(StepView::id)
          .containsExactly("plan", "plan.t1", "summarise", "review");
      assertThat(done.output().get("review").get("text").asText()).contains("approve");
    }
  }
}
