package dev.lattice.protocol.run;

import dev.lattice.protocol.agent.ErrorClass;

/**
 * Why a run ended without completing: which step, which error class, after how many attempts.
 *
 * @param stepId the step that failed, or {@code null} when the run itself was stopped
 * @param errorClass the canonical class of the last error
 * @param message the last error's message
 * @param attempts attempts made of that step
 */
public record RunCause(String stepId, ErrorClass errorClass, String message, int attempts) {}
