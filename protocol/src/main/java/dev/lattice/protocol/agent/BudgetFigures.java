package dev.lattice.protocol.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lattice.protocol.plan.Budget;
import java.util.Objects;

/**
 * The figures behind a {@code budget_exceeded}: which budget, its limit, what was spent and held
 * already, and what the attempt asked for (before dispatch) or used (after).
 *
 * @param scope whose budget
 * @param limit the limit that was exceeded
 * @param used spent before this attempt (for a step budget: nothing)
 * @param reserved held for other attempts still running
 * @param requested this attempt's estimate (refused before dispatch) or its usage (stopped after)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BudgetFigures(
    BudgetScope scope, Budget limit, Spend used, Spend reserved, Spend requested) {
  public BudgetFigures {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(limit, "limit");
    used = used == null ? Spend.NONE : used;
    reserved = reserved == null ? Spend.NONE : reserved;
    requested = requested == null ? Spend.NONE : requested;
  }

  /** Whether used, reserved and requested together go past the limit, in tokens or cost. */
  public boolean exceeded() {
    Spend total = used.plus(reserved).plus(requested);
    return (limit.maxTokens() != null && total.tokens() > limit.maxTokens())
        || (limit.maxCostUsd() != null && total.costUsd().compareTo(limit.maxCostUsd()) > 0);
  }

  /** A sentence for people. */
  public String describe() {
    Spend total = used.plus(reserved).plus(requested);
    StringBuilder text = new StringBuilder(scope.wire()).append(" budget exceeded: ");
    if (limit.maxTokens() != null && total.tokens() > limit.maxTokens()) {
      text.append(total.tokens()).append(" tokens of ").append(limit.maxTokens());
    } else {
      text.append(total.costUsd().toPlainString())
          .append(" USD of ")
          .append(limit.maxCostUsd().toPlainString());
    }
    return text.append(" (used ")
        .append(used.tokens())
        .append(" tokens / ")
        .append(used.costUsd().toPlainString())
        .append(" USD, reserved ")
        .append(reserved.tokens())
        .append(" / ")
        .append(reserved.costUsd().toPlainString())
        .append(", this attempt ")
        .append(requested.tokens())
        .append(" / ")
        .append(requested.costUsd().toPlainString())
        .append(")")
        .toString();
  }
}
