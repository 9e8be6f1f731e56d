package dev.lattice.protocol.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lattice.protocol.run.RunStatus;
import java.time.Instant;

/**
 * One run as the run index knows it: enough to list and filter runs without reading their events.
 *
 * @param runId the run
 * @param tenant the tenant it belongs to
 * @param status its lifecycle status
 * @param source where its plan came from: {@code plan}, {@code intent:NAME} or {@code workflow:ID}
 * @param createdAt when it started
 * @param updatedAt when its status last changed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunSummary(
    String runId,
    String tenant,
    RunStatus status,
    String source,
    Instant createdAt,
    Instant updatedAt) {}
