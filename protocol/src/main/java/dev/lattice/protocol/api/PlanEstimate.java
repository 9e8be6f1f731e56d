package dev.lattice.protocol.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;

/**
 * What a plan will take, as far as it can be known before it runs.
 *
 * @param steps number of steps
 * @param agentSteps steps dispatched to worker agents
 * @param criticalPath the longest chain of dependent steps
 * @param maxParallelism the most steps that can run at the same time
 * @param maxTokens the sum of the agent steps' token budgets times their attempts, when every agent
 *     step has one; otherwise absent (unbounded)
 * @param maxCostUsd likewise for cost
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlanEstimate(
    int steps,
    int agentSteps,
    int criticalPath,
    int maxParallelism,
    Long maxTokens,
    BigDecimal maxCostUsd) {}
