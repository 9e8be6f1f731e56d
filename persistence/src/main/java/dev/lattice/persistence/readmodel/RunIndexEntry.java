package dev.lattice.persistence.readmodel;

import java.time.Instant;

/**
 * One run as the run index holds it.
 *
 * @param runId the run
 * @param tenant its tenant
 * @param status its lifecycle status ({@code running} from registration on)
 * @param source where its plan came from
 * @param createdAt when it was registered
 * @param updatedAt when its status last changed
 */
public record RunIndexEntry(
    String runId,
    String tenant,
    String status,
    String source,
    Instant createdAt,
    Instant updatedAt) {}
