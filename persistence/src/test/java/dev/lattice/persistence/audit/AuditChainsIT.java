package dev.lattice.persistence.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.persistence.journal.JournalDatabase;
import dev.lattice.persistence.journal.SchemaMigrations;
import dev.lattice.persistence.readmodel.ReadModelDatabase;
import dev.lattice.protocol.api.AuditVerification;
import dev.lattice.protocol.audit.PolicyChange;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audit chains on an H2 file (on PostgreSQL in {@link AuditChainsPostgresIT}): rows of one write
 * chain one after the other, several chains at once; the head signer signs moved heads and a
 * verification then finds nothing; the policy chain stays linear while threads append to it at
 * once, each losing a race trying again.
 */
class AuditChainsIT {
  private static final int WRITERS = 4;
  private static final int CHANGES_EACH = 10;

  @TempDir Path data;
  private ReadModelDatabase pool;
  private DataSource dataSource;
  private KeyRing keys;
  private AuditSettings settings;

  /** The database of one test. */
  JournalDatabase database() {
    return JournalDatabase.h2File(data, "chains", "");
  }

  @BeforeEach
  void createSchema() {
    JournalDatabase database = database();
    SchemaMigrations.migrate(database);
    pool = new ReadModelDatabase(database, WRITERS + 1);
    dataSource = pool.dataSource();
    settings =
        new AuditSettings(
            data.resolve("key.jwk"),
            true,
            List.of(),
            Duration.ofSeconds(1),
            2,
            Duration.ofMinutes(1),
            10);
    keys = KeyRing.load(settings);
  }

  @AfterEach
  void closePool() {
    pool.close();
  }

  @Test
  void rowsOfOneWriteChainInOrderAndSignedHeadsVerify() throws Exception {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      AuditChains.append(
          c,
          List.of(
              row("bus:agent/echo/0/t", "r1"),
              row("run:r1", "r1"),
              row("bus:agent/echo/0/t", "r2"),
              row("bus:agent/echo/0/t", "r1")),
          1000);
      c.commit();
      AuditChains.append(c, List.of(row("bus:agent/echo/0/t", "r3")), 2000);
      c.commit();
    }
    assertThat(places("bus:agent/echo/0/t")).containsExactly(1L, 2L, 3L, 4L);
    assertThat(places("run:r1")).containsExactly(1L);

    AuditVerifier verifier = new AuditVerifier(dataSource, keys, settings);
    assertThat(verifier.busKey("agent/echo/0/t").findings())
        .extracting(f -> f.kind().wire())
        .containsExactly("unsigned");
    HeadSigner signer = new HeadSigner(dataSource, keys, settings.signBatch(), Clock.systemUTC());
    // Two heads in batches of two: one round signs them, the next finds nothing moved.
    assertThat(signer.signMoved()).isEqualTo(2);
    assertThat(signer.signMoved()).isZero();
    AuditVerification bus = verifier.busKey("agent/echo/0/t");
    assertThat(bus.intact()).isTrue();
    assertThat(bus.findings()).isEmpty();
    assertThat(bus.chains().get(0).signedSeq()).isEqualTo(4);
  }

  @Test
  void thePolicyChainStaysLinearWhileSeveralWritersAppendAtOnce() throws Exception {
    JdbcPolicyAudit policy = new JdbcPolicyAudit(dataSource, 100);
    ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
    try {
      List<Future<Void>> done = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        String actor = "node " + w;
        Callable<Void> writer =
            () -> {
              for (int i = 0; i < CHANGES_EACH; i++) {
                policy.record(new PolicyChange(Instant.now(), actor, "change " + i, "v" + i));
              }
              return null;
            };
        done.add(writers.submit(writer));
      }
      for (Future<Void> writer : done) {
        writer.get();
      }
    } finally {
      writers.shutdownNow();
    }
    List<Long> places = places("policy");
    assertThat(places).hasSize(WRITERS * CHANGES_EACH);
    for (int i = 0; i < places.size(); i++) {
      assertThat(places.get(i)).isEqualTo(i + 1L);
    }
    new HeadSigner(dataSource, keys, settings.signBatch(), Clock.systemUTC()).signAll();
    AuditVerification verified = new AuditVerifier(dataSource, keys, settings).policy();
    assertThat(verified.intact()).isTrue();
    assertThat(verified.findings()).isEmpty();
  }

  private static AuditChains.NewRow row(String chain, String runId) {
    String busKey = chain.startsWith("bus:") ? chain.substring(4) : null;
    return new AuditChains.NewRow(chain, runId, busKey, "[{\"run\":\"" + runId + "\"}]");
  }

  private List<Long> places(String chain) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement query =
            c.prepareStatement(
                "SELECT \"seq\" FROM \"lattice_audit\" WHERE \"chain\" = ? ORDER BY \"id\"")) {
      query.setString(1, chain);
      List<Long> places = new ArrayList<>();
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          places.add(rs.getLong(1));
        }
      }
      return places;
    }
  }
}
