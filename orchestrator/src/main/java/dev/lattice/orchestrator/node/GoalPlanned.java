package dev.lattice.orchestrator.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.plan.GoalPlans;
import dev.lattice.orchestrator.plan.PlanRejectedException;
import dev.lattice.orchestrator.plan.PolicyWarnings;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.PlanEstimate;
import dev.lattice.protocol.api.PlannedRun;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;

/** What {@code POST /plan} answers for a goal: the plan of the dry run that planned it. */
final class GoalPlanned {
  private GoalPlanned() {}

  /**
   * The plan the dry run {@code view} of {@code request}'s goal recorded.
   *
   * @throws PlanRejectedException when the planner wrote no plan that can run
   */
  static PlannedRun of(ExecuteRequest request, RunView view) {
    JsonNode adopted = view.output() == null ? null : view.output().get(GoalPlans.PLANNER_STEP);
    if (view.status() != RunStatus.COMPLETED || adopted == null) {
      String why = view.cause() == null ? view.status().wire() : view.cause().message();
      throw new PlanRejectedException(
          "goal", "the planner wrote no plan that can run (run " + view.runId() + "): " + why);
    }
    try {
      PlanSpec plan = LatticeJson.mapper().treeToValue(adopted.get("plan"), PlanSpec.class);
      PlanEstimate estimate =
          LatticeJson.mapper().treeToValue(adopted.get("estimate"), PlanEstimate.class);
      return new PlannedRun(
          request.tenant(),
          request.mode(),
          "goal",
          plan,
          estimate,
          PolicyWarnings.of(plan),
          view.runId(),
          view.usage());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("run " + view.runId() + " recorded an unreadable plan", e);
    }
  }
}
