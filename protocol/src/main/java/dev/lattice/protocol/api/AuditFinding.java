package dev.lattice.protocol.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Something a verification of the audit trail found wrong (or, for {@link Kind#UNSIGNED}, not yet
 * proven) in one chain.
 *
 * @param kind what
 * @param chain the chain ({@code bus:KEY}, {@code run:ID}, {@code policy})
 * @param seq the row's place in its chain, where one row is concerned
 * @param rowId the row's {@code id} (its order of recording), where the row is there
 * @param detail a sentence for people
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditFinding(Kind kind, String chain, Long seq, Long rowId, String detail) {
  /** What a verification can find. */
  public enum Kind {
    /** A row's fields no longer hash to its hash, or it does not follow the row before it. */
    EDITED("edited", true),
    /** Rows are missing: a gap in the chain's places, or a chain shorter than its head says. */
    DELETED("deleted", true),
    /** A row was recorded before the row it follows: the trail's order was changed. */
    REORDERED("reordered", true),
    /** A row that the chain never had: beyond its head, or pushing the rows after it down. */
    INSERTED("inserted", true),
    /** The signed head does not verify, or does not match the chain. */
    BAD_SIGNATURE("bad-signature", true),
    /** The head is signed with a key that is neither the signing key nor a trusted one. */
    UNKNOWN_KEY("unknown-key", true),
    /**
     * The last rows are linked but not yet under a signed head (heads are signed shortly after they
     * move): not a sign of tampering, but not proven either.
     */
    UNSIGNED("unsigned", false);

    private final String wire;
    private final boolean tampered;

    Kind(String wire, boolean tampered) {
      this.wire = wire;
      this.tampered = tampered;
    }

    @JsonValue
    public String wire() {
      return wire;
    }

    /** Whether this finding means the trail was changed (else it is only not yet proven). */
    public boolean tampered() {
      return tampered;
    }
  }
}
