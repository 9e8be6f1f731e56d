package dev.lattice.protocol.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.plan.ExecutionMode;
import java.time.Instant;
import java.util.List;

/**
 * A run's full state, as {@code GET /api/v1/runs/{id}} and the embedding client return it.
 *
 * @param runId the run
 * @param tenant the tenant it belongs to
 * @param status the lifecycle status
 * @param mode the execution mode
 * @param steps every step, in plan order
 * @param usage usage summed over all steps
 * @param output for a completed run, the outputs of its final steps keyed by step id
 * @param cause for a failed or cancelled run, why
 * @param createdAt when the run was planned
 * @param updatedAt when the run last changed
 * @param lastSeq the sequence number of the run's latest event
 * @param state the run's shared state: every key as its latest write left it (absent when none)
 * @param parent for a child run, the run and step that started it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunView(
    String runId,
    String tenant,
    RunStatus status,
    ExecutionMode mode,
    List<StepView> steps,
    Usage usage,
    JsonNode output,
    RunCause cause,
    Instant createdAt,
    Instant updatedAt,
    long lastSeq,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<StateEntry> state,
    ParentRun parent)
    implements CborSerializable {

  /** A view of a run that no other run started. */
  public RunView(
      String runId,
      String tenant,
      RunStatus status,
      ExecutionMode mode,
      List<StepView> steps,
      Usage usage,
      JsonNode output,
      RunCause cause,
      Instant createdAt,
      Instant updatedAt,
      long lastSeq,
      List<StateEntry> state) {
    this(
        runId, tenant, status, mode, steps, usage, output, cause, createdAt, updatedAt, lastSeq,
        state, null);
  }

  /** A view of a run without shared state. */
  public RunView(
      String runId,
      String tenant,
      RunStatus status,
      ExecutionMode mode,
      List<StepView> steps,
      Usage usage,
      JsonNode output,
      RunCause cause,
      Instant createdAt,
      Instant updatedAt,
      long lastSeq) {
    this(
        runId, tenant, status, mode, steps, usage, output, cause, createdAt, updatedAt, lastSeq,
        List.of());
  }

  public RunView {
    state = state == null ? List.of() : List.copyOf(state);
  }
}
