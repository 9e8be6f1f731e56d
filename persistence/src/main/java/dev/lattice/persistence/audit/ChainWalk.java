package dev.lattice.persistence.audit;

import com.nimbusds.jose.JWSObject;
import dev.lattice.protocol.api.AuditFinding;
import dev.lattice.protocol.api.AuditFinding.Kind;
import dev.lattice.protocol.api.ChainVerification;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One chain's verification: fed its rows in the order of their places, it checks each row's digest
 * and hash, that it takes the next place, that it follows the row before it (its {@code prev_hash})
 * and was recorded after it, and at the end that the last row is the chain's head and that the
 * head's signature verifies and vouches for the row it names. Plain Java over rows, so every kind
 * of tampering is tested without a database.
 */
final class ChainWalk {
  /** A row of the chain as stored. */
  record Row(
      long id,
      long seq,
      String prevHash,
      long recordedAt,
      String runId,
      String busKey,
      String entries,
      String digest,
      String hash) {}

  /** A chain's head row: its last row's place and hash, and its signature (null if unsigned). */
  record Head(long seq, String hash, String jws) {}

  private final String chain;
  private final long fromSeq;
  private final Predicate<String> runExists;
  private final int maxFindings;
  private final List<AuditFinding> findings = new ArrayList<>();
  private Row previous;
  private long rows;
  private long pruned;
  private boolean tampered;
  private long signedSeq = -1;
  private String hashAtSignedSeq;

  /**
   * @param before the row at {@code fromSeq - 1}, which the first row must follow (null from 1)
   * @param runExists whether a run is still there (a row emptied by retention must not be its)
   */
  ChainWalk(String chain, long fromSeq, Row before, Predicate<String> runExists, int maxFindings) {
    this.chain = chain;
    this.fromSeq = fromSeq;
    this.previous = before;
    this.runExists = runExists;
    this.maxFindings = maxFindings;
  }

  /** Keep the hash of the row at {@code seq}, the place the head's signature names. */
  void watch(long seq) {
    this.signedSeq = seq;
  }

  void accept(Row row) {
    rows++;
    long expected = previous == null ? fromSeq : previous.seq() + 1;
    boolean self = checkSelf(row);
    if (row.seq() < expected) {
      find(Kind.INSERTED, row, "a second row at place " + row.seq());
    } else if (row.seq() > expected) {
      find(
          Kind.DELETED,
          row,
          (row.seq() - expected == 1
                  ? "row " + expected + " is missing"
                  : "rows " + expected + " to " + (row.seq() - 1) + " are missing")
              + " before this one");
    } else if (self && !follows(row)) {
      find(
          Kind.EDITED,
          row,
          "does not follow row " + (row.seq() - 1) + ": its prev_hash is not that row's hash");
    }
    if (previous != null && row.id() < previous.id()) {
      find(
          Kind.REORDERED,
          row,
          "recorded before row "
              + previous.seq()
              + " (id "
              + previous.id()
              + "), which it follows");
    }
    if (row.seq() == signedSeq) {
      hashAtSignedSeq = row.hash();
    }
    previous = row;
  }

  /** The chain's verification, given its head row (null if there is none) and the keys. */
  ChainVerification finish(Head head, KeyRing keys) {
    Row last = previous != null && previous.seq() >= fromSeq ? previous : null;
    long lastSeq = last == null ? fromSeq - 1 : last.seq();
    String keyId = null;
    Long vouched = null;
    if (head == null) {
      if (last != null) {
        find(Kind.DELETED, null, "the chain's head row is missing");
      }
    } else {
      if (lastSeq < head.seq()) {
        find(
            Kind.DELETED,
            head.seq(),
            null,
            "the chain ends at row " + lastSeq + " but its head is row " + head.seq());
      } else if (lastSeq > head.seq()) {
        find(
            Kind.INSERTED,
            lastSeq,
            last.id(),
            "rows " + (head.seq() + 1) + " to " + lastSeq + " are beyond the chain's head");
      } else if (last != null && !last.hash().equals(head.hash())) {
        find(Kind.EDITED, last, "the last row is not the one the chain's head names");
      }
      if (head.jws() == null) {
        if (lastSeq >= fromSeq) {
          find(Kind.UNSIGNED, null, "no head of this chain is signed yet");
        }
      } else {
        JWSObject jws = parse(head.jws());
        keyId = jws == null ? null : jws.getHeader().getKeyID();
        vouched = checkSignature(jws, keys, lastSeq);
      }
    }
    return new ChainVerification(
        chain,
        fromSeq,
        head == null ? lastSeq : head.seq(),
        rows,
        vouched,
        keyId,
        pruned,
        !tampered);
  }

  List<AuditFinding> findings() {
    return List.copyOf(findings);
  }

  /** Whether the row's own fields are whole; reports what is not. */
  private boolean checkSelf(Row row) {
    if (row.entries() == null) {
      if (row.runId() != null && runExists.test(row.runId())) {
        find(
            Kind.EDITED,
            row,
            "its entries were removed while its run " + row.runId() + " is there");
        return false;
      }
      pruned++;
    } else if (!AuditHash.digest(row.entries()).equals(row.digest())) {
      find(Kind.EDITED, row, "its entries changed: they do not hash to its digest");
      return false;
    }
    if (hashAt(row, row.seq()).equals(row.hash())) {
      return true;
    }
    if (hashAt(row, row.seq() - 1).equals(row.hash())) {
      find(Kind.INSERTED, row, "it was row " + (row.seq() - 1) + ": a row was inserted before it");
    } else if (hashAt(row, row.seq() + 1).equals(row.hash())) {
      find(Kind.DELETED, row, "it was row " + (row.seq() + 1) + ": a row before it was deleted");
    } else {
      find(Kind.EDITED, row, "its fields do not hash to its hash");
    }
    return false;
  }

  private boolean follows(Row row) {
    if (previous == null) {
      // The first row of a whole chain follows nothing.
      return row.seq() != 1 || row.prevHash() == null;
    }
    return Objects.equals(row.prevHash(), previous.hash());
  }

  private Long checkSignature(JWSObject jws, KeyRing keys, long lastSeq) {
    if (jws == null) {
      find(Kind.BAD_SIGNATURE, null, "the chain's signed head is not a JWS");
      return null;
    }
    String keyId = jws.getHeader().getKeyID();
    Optional<PublicKey> key = keys.verifying(keyId);
    if (key.isEmpty()) {
      find(
          Kind.UNKNOWN_KEY,
          null,
          "the head is signed by key '" + keyId + "', which is not trusted");
      return null;
    }
    if (!Ed25519Jws.verify(jws, key.get())) {
      find(Kind.BAD_SIGNATURE, null, "the head's signature does not verify with key " + keyId);
      return null;
    }
    SignedHead signed;
    try {
      signed = SignedHead.parse(jws.getPayload().toString());
    } catch (Exception e) {
      find(Kind.BAD_SIGNATURE, null, "the signed head's payload is malformed");
      return null;
    }
    if (!chain.equals(signed.chain()) || signed.seq() != signedSeq) {
      find(Kind.BAD_SIGNATURE, null, "the signed head is for another chain or place");
      return null;
    }
    if (signed.seq() > lastSeq) {
      find(
          Kind.DELETED,
          signed.seq(),
          null,
          "the signed head vouches for row " + signed.seq() + ", which is not there");
    } else if (!signed.hash().equals(hashAtSignedSeq)) {
      find(
          Kind.EDITED,
          signed.seq(),
          null,
          "row " + signed.seq() + " is not the row the signed head vouches for");
    } else if (lastSeq > signed.seq()) {
      find(
          Kind.UNSIGNED,
          null,
          "rows " + (signed.seq() + 1) + " to " + lastSeq + " are not under a signed head yet");
    }
    return signed.seq();
  }

  private static JWSObject parse(String jws) {
    try {
      return JWSObject.parse(jws);
    } catch (java.text.ParseException e) {
      return null;
    }
  }

  private String hashAt(Row row, long seq) {
    return AuditHash.row(
        chain, seq, row.prevHash(), row.recordedAt(), row.runId(), row.busKey(), row.digest());
  }

  private void find(Kind kind, Row row, String detail) {
    find(kind, row == null ? null : row.seq(), row == null ? null : row.id(), detail);
  }

  private void find(Kind kind, Long seq, Long rowId, String detail) {
    tampered |= kind.tampered();
    if (findings.size() < maxFindings) {
      findings.add(new AuditFinding(kind, chain, seq, rowId, detail));
    }
  }
}
