package dev.lattice.worker.action.llm;

import dev.lattice.protocol.session.MemoryPolicy;
import dev.lattice.protocol.session.SessionName;

/**
 * An attempt of an llm step that continues a session.
 *
 * @param tenant the run's tenant, whose session it is
 * @param capability the capability the attempt serves (guardrails may tell them apart)
 * @param name the session
 * @param policy the memory policy the step keeps the session to
 * @param exchangeKey the step's effect key ({@code runId/stepId}): the same for every attempt of
 *     the step, so its exchange is appended once however often it is tried
 */
public record SessionStep(
    String tenant, String capability, SessionName name, MemoryPolicy policy, String exchangeKey) {}
