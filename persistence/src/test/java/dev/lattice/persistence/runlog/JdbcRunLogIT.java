package dev.lattice.persistence.runlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.persistence.journal.JournalDatabase;
import dev.lattice.persistence.journal.SchemaMigrations;
import dev.lattice.persistence.readmodel.AuditStatements;
import dev.lattice.persistence.readmodel.ReadModelDatabase;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.audit.AuditKind;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.log.LogLevel;
import dev.lattice.protocol.log.LogLine;
import dev.lattice.protocol.log.RunLogEntry;
import dev.lattice.protocol.log.RunLogPage;
import dev.lattice.protocol.log.RunLogQuery;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs' logs on an H2 file (on PostgreSQL in {@link JdbcRunLogPostgresIT}) with Lattice's schema:
 * written entries and the dispatchers' decisions of the audit trail, merged by time, paged with a
 * cursor that loses nothing, filtered by level, source and step.
 */
class JdbcRunLogIT {
  private static final Instant T = Instant.parse("2026-06-01T12:00:00Z");
  private static final RunId RUN = RunId.of("r1");
  private static final String BUS_KEY = "agent/shell/0/default";
  private static final String AGENT = "local.shell";

  @TempDir Path data;

  private ReadModelDatabase pool;
  private JdbcRunLog log;

  JournalDatabase database() {
    return JournalDatabase.h2File(data, "run-log", "");
  }

  @BeforeEach
  void createSchema() {
    JournalDatabase database = database();
    SchemaMigrations.migrate(database);
    pool = new ReadModelDatabase(database, 2);
    log = new JdbcRunLog(pool.dataSource(), 100);
  }

  @AfterEach
  void closePool() {
    pool.close();
  }

  /** A failing attempt then a good one, as its dispatcher, its agent and the run record them. */
  private void oneStepRetriedOnce() throws SQLException {
    decisions(
        decision(1, AuditKind.ENQUEUED, 1, null, null),
        decision(2, AuditKind.DISPATCHED, 1, AGENT, null));
    log.append(
        List.of(
            chunk(
                AGENT,
                "build",
                1,
                line(3, LogLevel.INFO, "compiling"),
                line(4, LogLevel.WARN, "oops"))));
    decisions(decision(5, AuditKind.FAILED, 1, AGENT, "agent_error: exited with 1"));
    log.append(
        List.of(
            chunk("run", "build", 1, line(6, LogLevel.WARN, "attempt 1 failed")),
            chunk("run", "build", 2, line(7, LogLevel.INFO, "attempt 2 at 12:00:08"))));
    decisions(
        decision(8, AuditKind.ENQUEUED, 2, null, null),
        decision(8, AuditKind.DISPATCHED, 2, AGENT, null));
    log.append(List.of(chunk(AGENT, "build", 2, line(9, LogLevel.INFO, "done compiling"))));
    decisions(decision(10, AuditKind.DONE, 2, AGENT, null));
    // Another run's, which no page of r1 shows.
    log.append(
        List.of(
            new RunLogChunk(
                RunId.of("r2"), AGENT, "build", 1, List.of(line(3, LogLevel.ERROR, "not r1")))));
  }

  @Test
  void pagesMergeWrittenEntriesAndDecisionsByTimeAndTheirCursorLosesNothing() throws Exception {
    oneStepRetriedOnce();

    List<RunLogEntry> all = new ArrayList<>();
    RunLogQuery query = new RunLogQuery(RUN, LogLevel.DEBUG, null, null, null, 2);
    RunLogPage page;
    int pages = 0;
    do {
      page = log.page(query);
      all.addAll(page.entries());
      query = query.after(page.next());
      pages++;
    } while (page.more());

    assertThat(all)
        .extracting(e -> e.source() + " " + e.attempt() + " " + e.message())
        .containsExactly(
            "dispatcher 1 queued at agent/shell/0/default",
            "dispatcher 1 dispatched to local.shell",
            "local.shell 1 compiling",
            "local.shell 1 oops",
            "dispatcher 1 failed on local.shell: agent_error: exited with 1",
            "run 1 attempt 1 failed",
            "run 2 attempt 2 at 12:00:08",
            "dispatcher 2 queued at agent/shell/0/default",
            "dispatcher 2 dispatched to local.shell",
            "local.shell 2 done compiling",
            "dispatcher 2 done by local.shell");
    assertThat(pages).isEqualTo(6);
    assertThat(all.get(3).level()).isEqualTo(LogLevel.WARN);
    assertThat(all.get(3).stepId()).isEqualTo("build");
    assertThat(all.get(3).at()).isEqualTo(T.plusSeconds(4));
  }

  @Test
  void filtersByLevelSourceAndStep() throws Exception {
    oneStepRetriedOnce();
    log.append(List.of(chunk("run", null, null, line(11, LogLevel.INFO, "run completed"))));

    assertThat(messages(new RunLogQuery(RUN, LogLevel.WARN, null, null, null, 50)))
        .containsExactly(
            "oops", "failed on local.shell: agent_error: exited with 1", "attempt 1 failed");
    assertThat(messages(new RunLogQuery(RUN, LogLevel.DEBUG, AGENT, null, null, 50)))
        .containsExactly("compiling", "oops", "done compiling");
    assertThat(messages(new RunLogQuery(RUN, LogLevel.INFO, "dispatcher", null, null, 50)))
        .containsExactly(
            "dispatched to local.shell",
            "failed on local.shell: agent_error: exited with 1",
            "dispatched to local.shell");
    assertThat(messages(new RunLogQuery(RUN, LogLevel.INFO, "run", null, null, 50)))
        .containsExactly("attempt 1 failed", "attempt 2 at 12:00:08", "run completed");
    // The run as a whole has no step: a step filter leaves its entries out.
    assertThat(messages(new RunLogQuery(RUN, LogLevel.WARN, null, "build", null, 50))).hasSize(3);
    assertThat(messages(new RunLogQuery(RUN, LogLevel.DEBUG, null, "other", null, 50))).isEmpty();
  }

  @Test
  void aFollowerAsksAgainFromTheLastCursorAndGetsOnlyWhatCameSince() throws Exception {
    oneStepRetriedOnce();
    RunLogQuery first = new RunLogQuery(RUN, LogLevel.DEBUG, null, null, null, 50);
    RunLogPage page = log.page(first);
    assertThat(page.entries()).hasSize(11);
    assertThat(page.more()).isFalse();

    RunLogPage nothingYet = log.page(first.after(page.next()));
    assertThat(nothingYet.entries()).isEmpty();
    assertThat(nothingYet.next()).isEqualTo(page.next());

    decisions(decision(12, AuditKind.ENQUEUED, 1, null, null));
    log.append(List.of(chunk(AGENT, "test", 1, line(13, LogLevel.INFO, "testing"))));
    RunLogPage later = log.page(first.after(page.next()));
    assertThat(later.entries())
        .extracting(RunLogEntry::message)
        .containsExactly("queued at agent/shell/0/default", "testing");
  }

  @Test
  void aPageStopsAfterItsShareOfRowsAndTheNextGoesOn() throws Exception {
    JdbcRunLog small = new JdbcRunLog(pool.dataSource(), 3);
    for (int i = 1; i <= 7; i++) {
      log.append(List.of(chunk(AGENT, "s", 1, line(i, LogLevel.INFO, "quiet " + i))));
    }
    log.append(List.of(chunk(AGENT, "s", 1, line(8, LogLevel.ERROR, "loud"))));

    RunLogQuery query = new RunLogQuery(RUN, LogLevel.INFO, null, null, null, 2);
    List<String> seen = new ArrayList<>();
    RunLogPage page;
    int pages = 0;
    do {
      page = small.page(query);
      seen.addAll(page.entries().stream().map(RunLogEntry::message).toList());
      query = query.after(page.next());
      pages++;
    } while (page.more() && pages < 20);
    assertThat(seen)
        .containsExactly(
            "quiet 1", "quiet 2", "quiet 3", "quiet 4", "quiet 5", "quiet 6", "quiet 7", "loud");

    // Only errors wanted: the rows of the others are skipped by the database itself.
    RunLogPage loud = small.page(new RunLogQuery(RUN, LogLevel.ERROR, null, null, null, 2));
    assertThat(loud.entries()).extracting(RunLogEntry::message).containsExactly("loud");
    assertThat(loud.more()).isFalse();
  }

  private List<String> messages(RunLogQuery query) throws SQLException {
    RunLogPage page = log.page(query);
    assertThat(page.more()).isFalse();
    return page.entries().stream().map(RunLogEntry::message).toList();
  }

  private static LogLine line(int second, LogLevel level, String message) {
    return new LogLine(T.plusSeconds(second), level, message);
  }

  private static RunLogChunk chunk(String source, String step, Integer attempt, LogLine... lines) {
    return new RunLogChunk(RUN, source, step, attempt, List.of(lines));
  }

  private static AuditEntry decision(
      int second, AuditKind kind, int attempt, String agent, String detail) {
    return new AuditEntry(
        T.plusSeconds(second), BUS_KEY, kind, RUN, "build", attempt, agent, detail, null);
  }

  private void decisions(AuditEntry... entries) throws SQLException {
    try (Connection c = pool.dataSource().getConnection()) {
      AuditStatements.insert(c, AuditStatements.rows(List.of(entries)), 0);
    }
  }
}
