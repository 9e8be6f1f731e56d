package dev.lattice.worker.action.llm;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.plan.Budget;
import dev.lattice.worker.action.ActionException;

/**
 * Keeps each call of an attempt within the tokens the attempt may spend (its budget envelope, which
 * is what was reserved for it): the call's {@code maxTokens} is cut to what is left once the tries
 * before it and this call's prompt estimate are counted. A call whose prompt alone would not fit is
 * not made: the attempt fails with {@code budget_exceeded}. With no token limit, calls go as they
 * are.
 */
final class SpendCap {
  private final PromptEstimate estimate;
  private final Budget budget;

  /** The cap of an attempt whose envelope is {@code budget} (may be null: no limit). */
  SpendCap(PromptEstimate estimate, Budget budget) {
    this.estimate = estimate;
    this.budget = budget;
  }

  /** {@code call} as it may be sent, the attempt's tries before it having used {@code used}. */
  LlmCall capped(LlmCall call, Usage used) {
    if (budget == null || budget.maxTokens() == null) {
      return call;
    }
    long prompt = estimate.tokens(call);
    long left = budget.maxTokens() - used.totalTokens() - prompt;
    if (left < 1) {
      throw new ActionException(
          ErrorClass.BUDGET_EXCEEDED,
          "step budget exceeded: a call with a prompt of up to "
              + prompt
              + " tokens leaves nothing to generate within the attempt's "
              + budget.maxTokens()
              + " tokens ("
              + used.totalTokens()
              + " used by its earlier tries)");
    }
    return left >= call.maxTokens() ? call : call.withMaxTokens((int) left);
  }
}
