package dev.lattice.orchestrator.guard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.ToolSpec;

/**
 * What a guardrail is shown.
 *
 * @param kind which crossing it is
 * @param tenant the run's tenant
 * @param capability the capability of the turn or the call
 * @param tool how the called tool is described, for tool arguments and results; null otherwise
 * @param content the conversation, the answer, the arguments or the result
 */
public record Guarded(
    GuardedKind kind, String tenant, String capability, ToolSpec tool, JsonNode content) {}
