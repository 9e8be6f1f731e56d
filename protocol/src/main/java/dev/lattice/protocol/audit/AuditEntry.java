package dev.lattice.protocol.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.ids.RunId;
import java.time.Instant;
import java.util.Objects;

/**
 * One decision of an executor-dispatcher about one attempt of one step.
 *
 * @param at when it was decided
 * @param busKey the dispatcher's {@code service/role/shard/tenant} key
 * @param kind what was decided
 * @param runId the run
 * @param stepId the step
 * @param attempt the attempt
 * @param agentId the agent concerned, if any
 * @param detail a sentence for people: why (the rule that denied it, the agent's reason)
 * @param data figures, if any (budget limits, estimate, usage), as a JSON object
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEntry(
    Instant at,
    String busKey,
    AuditKind kind,
    RunId runId,
    String stepId,
    int attempt,
    String agentId,
    String detail,
    JsonNode data)
    implements CborSerializable {
  public AuditEntry {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(busKey, "busKey");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(stepId, "stepId");
  }
}
