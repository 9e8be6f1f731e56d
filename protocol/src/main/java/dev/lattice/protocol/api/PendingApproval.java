package dev.lattice.protocol.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lattice.protocol.plan.StepKind;
import dev.lattice.protocol.run.RunStatus;
import java.time.Instant;

/**
 * A step that waits for a signal, such as a person's approval: a {@code wait} step with a {@code
 * signal}, or the planner of a goal in mode {@code approve}, whose plan waits for {@value
 * #PLAN_APPROVAL}. Sending the signal ({@code POST /api/v1/runs/{runId}/signals/{signal}}) moves it
 * on.
 *
 * @param runId the run
 * @param tenant the run's tenant
 * @param runStatus the run's status: {@code running}, or {@code paused} (a signal still reaches it)
 * @param stepId the waiting step
 * @param kind the step's kind: {@code wait}, or {@code plan} for a plan waiting for approval
 * @param signal the signal it waits for
 * @param waitUntil when it stops waiting without the signal, if ever
 * @param since when the run last changed (for a step just begun to wait: when it began)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PendingApproval(
    String runId,
    String tenant,
    RunStatus runStatus,
    String stepId,
    StepKind kind,
    String signal,
    Instant waitUntil,
    Instant since) {

  /** The signal that approves the plan a goal's planner proposed in mode {@code approve}. */
  public static final String PLAN_APPROVAL = "approve-plan";
}
