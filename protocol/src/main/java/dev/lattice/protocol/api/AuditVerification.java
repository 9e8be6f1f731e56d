package dev.lattice.protocol.api;

import java.util.List;

/**
 * The answer of a verification of the audit trail: of a run (its own chain, and its tenant's
 * dispatchers' chains from shortly before it started), of a dispatcher, or of the policy chain.
 *
 * @param subject what was verified: {@code run:ID}, {@code bus:KEY} or {@code policy}
 * @param intact whether no chain checked was changed: no finding but {@code unsigned} ones
 * @param chains each chain checked
 * @param findings what was found, chain by chain in the order of their places
 */
public record AuditVerification(
    String subject, boolean intact, List<ChainVerification> chains, List<AuditFinding> findings) {
  public AuditVerification {
    chains = List.copyOf(chains);
    findings = List.copyOf(findings);
  }

  /** The answer for {@code chain} when it holds no row: intact, from place 1 to 0. */
  public static AuditVerification ofEmptyChain(String chain) {
    return new AuditVerification(
        chain,
        true,
        List.of(new ChainVerification(chain, 1, 0, 0, null, null, 0, true)),
        List.of());
  }
}
