package dev.lattice.persistence.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.api.AuditFinding;
import dev.lattice.protocol.api.AuditVerification;
import dev.lattice.protocol.api.ChainVerification;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A chain's verification without a database: an intact chain under a signed head is intact; each
 * row edited, deleted, duplicated, renumbered or recorded out of order is found as such; a cut
 * chain, a row beyond the head, a bad or foreign signature and an unsigned tail are found too.
 */
class ChainWalkTest {
  private static final String CHAIN = "bus:agent/echo/0/default";
  private static final int ROWS = 5;

  @TempDir Path keys;
  private KeyRing ring;
  private List<ChainWalk.Row> rows;

  @BeforeEach
  void chainOfFiveRows() {
    ring = new KeyRing(Ed25519Keys.signingKey(keys.resolve("key.jwk"), true), List.of());
    rows = new ArrayList<>();
    String prev = null;
    for (long seq = 1; seq <= ROWS; seq++) {
      String entries = "[{\"at\":\"2026-06-01T12:00:0" + seq + "Z\",\"kind\":\"done\"}]";
      String digest = AuditHash.digest(entries);
      String hash =
          AuditHash.row(CHAIN, seq, prev, 1000 + seq, "run-" + seq, "agent/echo/0/default", digest);
      rows.add(
          new ChainWalk.Row(
              10 + seq,
              seq,
              prev,
              1000 + seq,
              "run-" + seq,
              "agent/echo/0/default",
              entries,
              digest,
              hash));
      prev = hash;
    }
  }

  @Test
  void aChainWithoutRowsIsAnsweredAsAnEmptyChain() {
    ChainWalk walk = new ChainWalk(CHAIN, 1, null, runId -> true, 100);

    assertThat(walk.finish(null, ring))
        .isEqualTo(AuditVerification.ofEmptyChain(CHAIN).chains().get(0));
    assertThat(walk.findings()).isEmpty();
  }

  @Test
  void anIntactChainUnderASignedHeadIsIntactWithoutFindings() {
    Result result = walk(rows, head(ROWS, ROWS));
    assertThat(result.chain().intact()).isTrue();
    assertThat(result.findings()).isEmpty();
    assertThat(result.chain().signedSeq()).isEqualTo(ROWS);
    assertThat(result.chain().keyId()).isEqualTo(ring.signing().keyId());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5})
  void eachKindOfChangeToEachRowIsFound(int seq) {
    int i = seq - 1;
    ChainWalk.Row row = rows.get(i);
    assertFound(
        replace(i, withEntries(row, row.entries().replace("done", "failed"))), "edited", seq);
    assertFound(replace(i, withRecordedAt(row, row.recordedAt() + 1)), "edited", seq);
    List<ChainWalk.Row> deleted = new ArrayList<>(rows);
    deleted.remove(i);
    assertFound(deleted, "deleted", null);
    List<ChainWalk.Row> duplicated = new ArrayList<>(rows);
    duplicated.add(i + 1, row);
    assertThat(walk(duplicated, head(ROWS, ROWS)).kinds()).contains("inserted");
    if (seq < ROWS) {
      List<ChainWalk.Row> swapped = new ArrayList<>(rows);
      ChainWalk.Row next = rows.get(i + 1);
      swapped.set(i, withId(row, next.id()));
      swapped.set(i + 1, withId(next, row.id()));
      assertFound(swapped, "reordered", seq + 1);
    }
  }

  @Test
  void rowsRenumberedAfterADeletionOrAnInsertionAreFoundAsSuch() {
    // A forger deleted row 2 and moved the rows after it up, without the key to rehash them.
    List<ChainWalk.Row> movedUp = new ArrayList<>();
    movedUp.add(rows.get(0));
    for (int i = 2; i < ROWS; i++) {
      movedUp.add(withSeq(rows.get(i), rows.get(i).seq() - 1));
    }
    assertThat(walk(movedUp, head(ROWS, ROWS)).kinds()).contains("deleted");
    // ... or inserted one before row 3 and moved the rows from 3 down.
    List<ChainWalk.Row> movedDown = new ArrayList<>(rows.subList(0, 2));
    for (int i = 2; i < ROWS; i++) {
      movedDown.add(withSeq(rows.get(i), rows.get(i).seq() + 1));
    }
    assertThat(walk(movedDown, head(ROWS, ROWS)).kinds()).contains("inserted");
  }

  @Test
  void aCutChainARowBeyondItsHeadAndAMissingHeadAreFound() {
    assertThat(walk(rows.subList(0, ROWS - 1), head(ROWS, ROWS)).kinds()).contains("deleted");
    assertThat(walk(rows, head(ROWS - 1, ROWS - 1)).kinds()).contains("inserted");
    assertThat(walk(rows, null).kinds()).contains("deleted");
  }

  @Test
  void aBadSignatureAForeignKeyAndAnUnsignedTailAreFound() {
    ChainWalk.Head signed = head(ROWS, ROWS);
    String jws = signed.jws();
    String tampered = jws.substring(0, jws.length() - 2) + (jws.endsWith("AA") ? "BB" : "AA");
    assertThat(walk(rows, new ChainWalk.Head(ROWS, signed.hash(), tampered)).kinds())
        .contains("bad-signature");

    KeyRing other = new KeyRing(Ed25519Keys.signingKey(keys.resolve("other.jwk"), true), List.of());
    String foreign =
        Ed25519Jws.sign(
            other.signing(), new SignedHead(CHAIN, ROWS, signed.hash(), Instant.EPOCH).json());
    assertThat(walk(rows, new ChainWalk.Head(ROWS, signed.hash(), foreign)).kinds())
        .containsExactly("unknown-key");
    // Trusted after a rotation, the old key's heads verify.
    KeyRing rotated =
        new KeyRing(
            ring.signing(),
            List.of(
                new Ed25519Keys.VerifyingKey(
                    other.signing().keyId(), other.signing().publicKey())));
    assertThat(
            new Result(rotated, rows, new ChainWalk.Head(ROWS, signed.hash(), foreign))
                .chain()
                .intact())
        .isTrue();

    Result tail = walk(rows, head(ROWS, 3));
    assertThat(tail.kinds()).containsExactly("unsigned");
    assertThat(tail.chain().intact()).isTrue();
    assertThat(walk(rows, new ChainWalk.Head(ROWS, signed.hash(), null)).kinds())
        .containsExactly("unsigned");
  }

  @Test
  void aRowEmptiedByRetentionVerifiesUnlessItsRunIsThere() {
    List<ChainWalk.Row> pruned = replace(1, withEntries(rows.get(1), null));
    Result result = walk(pruned, head(ROWS, ROWS));
    assertThat(result.chain().intact()).isTrue();
    assertThat(result.chain().pruned()).isEqualTo(1);
    ChainWalk walk = new ChainWalk(CHAIN, 1, null, runId -> true, 100);
    walk.watch(ROWS);
    pruned.forEach(walk::accept);
    assertThat(walk.finish(head(ROWS, ROWS), ring).intact()).isFalse();
  }

  private void assertFound(List<ChainWalk.Row> changed, String kind, Integer seq) {
    Result result = walk(changed, head(ROWS, ROWS));
    assertThat(result.chain().intact()).isFalse();
    assertThat(result.findings())
        .as(result.findings().toString())
        .anyMatch(
            f ->
                f.kind().wire().equals(kind) && (seq == null || Long.valueOf(seq).equals(f.seq())));
  }

  /** The head at {@code seq}, signed at {@code signedSeq}. */
  private ChainWalk.Head head(long seq, long signedSeq) {
    String hash = rows.get((int) seq - 1).hash();
    String signedHash = rows.get((int) signedSeq - 1).hash();
    return new ChainWalk.Head(
        seq,
        hash,
        Ed25519Jws.sign(
            ring.signing(), new SignedHead(CHAIN, signedSeq, signedHash, Instant.EPOCH).json()));
  }

  private Result walk(List<ChainWalk.Row> chain, ChainWalk.Head head) {
    return new Result(ring, chain, head);
  }

  private List<ChainWalk.Row> replace(int index, ChainWalk.Row row) {
    List<ChainWalk.Row> changed = new ArrayList<>(rows);
    changed.set(index, row);
    return changed;
  }

  private static ChainWalk.Row withEntries(ChainWalk.Row r, String entries) {
    return new ChainWalk.Row(
        r.id(),
        r.seq(),
        r.prevHash(),
        r.recordedAt(),
        r.runId(),
        r.busKey(),
        entries,
        r.digest(),
        r.hash());
  }

  private static ChainWalk.Row withRecordedAt(ChainWalk.Row r, long at) {
    return new ChainWalk.Row(
        r.id(),
        r.seq(),
        r.prevHash(),
        at,
        r.runId(),
        r.busKey(),
        r.entries(),
        r.digest(),
        r.hash());
  }

  private static ChainWalk.Row withSeq(ChainWalk.Row r, long seq) {
    return new ChainWalk.Row(
        r.id(),
        seq,
        r.prevHash(),
        r.recordedAt(),
        r.runId(),
        r.busKey(),
        r.entries(),
        r.digest(),
        r.hash());
  }

  private static ChainWalk.Row withId(ChainWalk.Row r, long id) {
    return new ChainWalk.Row(
        id,
        r.seq(),
        r.prevHash(),
        r.recordedAt(),
        r.runId(),
        r.busKey(),
        r.entries(),
        r.digest(),
        r.hash());
  }

  /** A walk of {@code chain} to its end. */
  private static final class Result {
    private final ChainVerification chain;
    private final List<AuditFinding> findings;

    Result(KeyRing ring, List<ChainWalk.Row> rows, ChainWalk.Head head) {
      ChainWalk walk = new ChainWalk(CHAIN, 1, null, runId -> false, 100);
      walk.watch(signedSeq(head));
      rows.forEach(walk::accept);
      chain = walk.finish(head, ring);
      findings = walk.findings();
    }

    ChainVerification chain() {
      return chain;
    }

    List<AuditFinding> findings() {
      return findings;
    }

    List<String> kinds() {
      return findings.stream().map(f -> f.kind().wire()).toList();
    }

    private static long signedSeq(ChainWalk.Head head) {
      if (head == null || head.jws() == null) {
        return -1;
      }
      try {
        return SignedHead.parse(
                com.nimbusds.jose.JWSObject.parse(head.jws()).getPayload().toString())
            .seq();
      } catch (Exception e) {
        return -1;
      }
    }
  }
}
