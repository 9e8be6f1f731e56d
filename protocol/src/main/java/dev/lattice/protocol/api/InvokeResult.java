package dev.lattice.protocol.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.run.RunCause;
import dev.lattice.protocol.run.RunStatus;

/**
 * What a direct invocation answers: its run, and the step's output once the run has ended.
 *
 * @param runId the durable run that did the work
 * @param capability the capability its step asked for
 * @param agentId the agent that ran its latest attempt, once one has
 * @param status the run's status; not terminal when the run outlasted the wait
 * @param output the step's output, when it succeeded
 * @param text for a model capability, the answer's text (the output's {@code text}), if any
 * @param usage what the step used
 * @param cause why the run failed or was cancelled
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InvokeResult(
    String runId,
    String capability,
    String agentId,
    RunStatus status,
    JsonNode output,
    String text,
    Usage usage,
    RunCause cause) {}
