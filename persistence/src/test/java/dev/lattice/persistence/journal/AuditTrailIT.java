package dev.lattice.persistence.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.persistence.readmodel.JdbcAuditLog;
import dev.lattice.persistence.readmodel.ReadModelDatabase;
import dev.lattice.persistence.testing.AuditedRecorder;
import dev.lattice.persistence.testing.JournalTestKits;
import dev.lattice.protocol.api.AuditPage;
import dev.lattice.protocol.api.AuditQuery;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.audit.AuditKind;
import dev.lattice.protocol.ids.BusKey;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit trail through the real journal on an H2 file (on PostgreSQL in {@link
 * AuditTrailPostgresIT}): the entries of an audited event are written in the event's own
 * transaction, a row per run and bus key, and read back by run and by bus key in order.
 */
class AuditTrailIT {
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);
  private static final Instant AT = Instant.parse("2026-06-01T12:00:00.123Z");
  private static final BusKey ECHO = BusKey.parse("agent/echo/0/default");
  private static final BusKey SHELL = BusKey.parse("agent/shell/0/default");
  private static final RunId FIRST = RunId.of("first-run");
  private static final RunId SECOND = RunId.of("second-run");

  @TempDir Path data;

  private JournalDatabase database;
  private ActorTestKit testKit;
  private ReadModelDatabase readModels;
  private JdbcAuditLog auditLog;

  /** The journal database of one test. */
  JournalDatabase database() {
    return JournalDatabase.h2File(data, "audit", "");
  }

  @BeforeEach
  void start() {
    database = database();
    testKit = JournalTestKits.on(database, "audit");
    readModels = new ReadModelDatabase(database, 1);
    auditLog = new JdbcAuditLog(readModels.dataSource());
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
    readModels.close();
  }

  @Test
  void anAuditedEventsEntriesAreInTheAuditTrailAsSoonAsTheEventIsWritten() throws Exception {
    ActorRef<AuditedRecorder.Record> recorder = testKit.spawn(AuditedRecorder.create("d1"));
    AuditEntry enqueued = entry(AuditKind.ENQUEUED, FIRST, ECHO, "a", null, null);
    AuditEntry reserved =
        new AuditEntry(
            AT.plusMillis(1),
            ECHO.value(),
            AuditKind.BUDGET_RESERVED,
            FIRST,
            "a",
            1,
            null,
            "estimate reserved against the tenant's budget",
            LatticeJson.mapper().readTree("{\"maxTokens\":2000,\"estimateUsd\":0.05}"));
    AuditEntry dispatched = entry(AuditKind.DISPATCHED, FIRST, ECHO, "a", "local.echo", null);
    AuditEntry denied =
        entry(AuditKind.DENIED, FIRST, SHELL, "b", null, "capability shell is not allowed");
    AuditEntry otherRun = entry(AuditKind.ENQUEUED, SECOND, ECHO, "x", null, null);

    record(recorder, List.of(enqueued, reserved));
    assertThat(auditLog.byRun(FIRST).entries()).containsExactly(enqueued, reserved);
    record(recorder, List.of(dispatched, denied, otherRun));
    // An audited event without entries, like one that is not audited, adds no row.
    record(recorder, List.of());

    assertThat(count("SELECT COUNT(*) FROM \"event_journal\"")).isEqualTo(3);
    // One row per run and bus key of each event: FIRST's two entries of the first, then FIRST
    // on ECHO, FIRST on SHELL and SECOND on ECHO.
    assertThat(count("SELECT COUNT(*) FROM \"lattice_audit\"")).isEqualTo(4);
    assertThat(auditLog.byRun(FIRST).entries())
        .containsExactly(enqueued, reserved, dispatched, denied);
    assertThat(auditLog.byRun(SECOND).entries()).containsExactly(otherRun);
    assertThat(auditLog.byRun(RunId.of("no-such-run")).entries()).isEmpty();

    AuditPage first = auditLog.byBusKey(new AuditQuery(ECHO, null, 2));
    assertThat(first.entries()).containsExactly(enqueued, reserved);
    assertThat(first.next()).isNotNull();
    AuditPage second = auditLog.byBusKey(new AuditQuery(ECHO, first.next(), 2));
    assertThat(second.entries()).containsExactly(dispatched, otherRun);
    assertThat(second.next()).isNull();
    assertThat(auditLog.byBusKey(new AuditQuery(SHELL, null, 10)).entries())
        .containsExactly(denied);
  }

  @Test
  void aPageOfABusKeyCanEndInsideARowAndTheNextStartsWhereItEnded() throws SQLException {
    ActorRef<AuditedRecorder.Record> recorder = testKit.spawn(AuditedRecorder.create("d3"));
    List<AuditEntry> first = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      first.add(entry(AuditKind.ENQUEUED, FIRST, ECHO, "s" + i, null, null));
    }
    AuditEntry second = entry(AuditKind.ENQUEUED, SECOND, ECHO, "x", null, null);
    record(recorder, first);
    record(recorder, List.of(second));

    List<AuditEntry> read = new ArrayList<>();
    List<String> cursors = new ArrayList<>();
    String after = null;
    do {
      AuditPage page = auditLog.byBusKey(new AuditQuery(ECHO, after, 2));
      read.addAll(page.entries());
      after = page.next();
      cursors.add(after);
    } while (after != null);

    List<AuditEntry> all = new ArrayList<>(first);
    all.add(second);
    assertThat(read).containsExactlyElementsOf(all);
    // Pages of 2 over rows of 5 and 1 entries: inside the first row twice, then at its end.
    assertThat(cursors).hasSize(3);
    assertThat(cursors.get(0)).endsWith(".2");
    assertThat(cursors.get(1)).endsWith(".4");
    assertThat(cursors.get(2)).isNull();
    assertThat(auditLog.byBusKey(new AuditQuery(ECHO, null, 5)).next()).doesNotContain(".");
  }

  @Test
  void anAuditEntryThatCannotBeWrittenFailsItsEventsWriteAndNothingOfItIsStored() throws Exception {
    ActorRef<AuditedRecorder.Record> recorder = testKit.spawn(AuditedRecorder.create("d2"));
    record(recorder, List.of(entry(AuditKind.ENQUEUED, FIRST, ECHO, "a", null, null)));

    // Longer than the bus key column: the audit insert fails, and with it the event's write.
    String tooLong = "k".repeat(300);
    TestProbe<StatusReply<Done>> probe = testKit.createTestProbe();
    recorder.tell(
        new AuditedRecorder.Record(
            List.of(
                entry(AuditKind.DISPATCHED, SECOND, ECHO, "b", "local.echo", null),
                new AuditEntry(AT, tooLong, AuditKind.ENQUEUED, SECOND, "c", 1, null, null, null)),
            probe.ref()));
    probe.expectTerminated(recorder, WRITE_TIMEOUT);

    assertThat(count("SELECT COUNT(*) FROM \"event_journal\"")).isEqualTo(1);
    assertThat(auditLog.byRun(SECOND).entries()).isEmpty();
    assertThat(auditLog.byRun(FIRST).entries()).hasSize(1);
  }

  private static AuditEntry entry(
      AuditKind kind, RunId run, BusKey busKey, String stepId, String agentId, String detail) {
    return new AuditEntry(AT, busKey.value(), kind, run, stepId, 1, agentId, detail, null);
  }

  /** Persists one event carrying {@code entries}; returns once it is written. */
  private void record(ActorRef<AuditedRecorder.Record> recorder, List<AuditEntry> entries) {
    TestProbe<StatusReply<Done>> probe = testKit.createTestProbe();
    recorder.tell(new AuditedRecorder.Record(entries, probe.ref()));
    assertThat(probe.receiveMessage(WRITE_TIMEOUT).isSuccess()).isTrue();
  }

  private long count(String sql) throws SQLException {
    try (Connection c = readModels.dataSource().getConnection();
        PreparedStatement query = c.prepareStatement(sql);
        ResultSet rs = query.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
