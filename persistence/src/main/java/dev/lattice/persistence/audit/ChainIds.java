package dev.lattice.persistence.audit;

/**
 * The names of the audit chains. Each has a single writer, which keeps it linear without locks:
 * {@code bus:KEY} the dispatcher of a bus key (one entity in the cluster), {@code run:ID} the run
 * entity, {@code policy} the policy recorder (which retries on a conflict instead).
 */
public final class ChainIds {
  /** The chain of policy versions and changes. */
  public static final String POLICY = "policy";

  private static final String BUS = "bus:";
  private static final String RUN = "run:";

  private ChainIds() {}

  /** The chain of a dispatcher's decisions. */
  public static String bus(String busKey) {
    return BUS + busKey;
  }

  /** The chain of a run's interventions. */
  public static String run(String runId) {
    return RUN + runId;
  }

  /** Whether {@code chain} is a dispatcher's. */
  public static boolean isBus(String chain) {
    return chain.startsWith(BUS);
  }
}
