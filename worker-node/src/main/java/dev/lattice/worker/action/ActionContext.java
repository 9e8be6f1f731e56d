package dev.lattice.worker.action;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.protocol.ids.AgentId;
import java.util.concurrent.Executor;

/**
 * What the agent offers the actions it runs.
 *
 * @param agentId the agent running the action
 * @param executor an executor for blocking work (the agent's action dispatcher)
 * @param json a JSON mapper for building outputs
 */
public record ActionContext(AgentId agentId, Executor executor, ObjectMapper json) {}
