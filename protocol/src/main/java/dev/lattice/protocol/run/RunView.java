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
    long lastSeq)
    implements CborSerializable {}
