package dev.lattice.orchestrator.plan;

/**
 * A request or plan that cannot run, with the precise reason and the offending field (as a path
 * into the request, e.g. {@code plan.steps[2].dependsOn}).
 */
public final class PlanRejectedException extends RuntimeException {
  private final String field;

  public PlanRejectedException(String field, String reason) {
    super(reason);
    this.field = field;
  }

  /** The offending field, or {@code null} when the whole request is at fault. */
  public String field() {
    return field;
  }

  /** The reason, without the field. */
  public String reason() {
    return getMessage();
  }
}
