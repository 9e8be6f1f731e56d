package dev.lattice.persistence.readmodel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.persistence.journal.JournalDatabase;
import dev.lattice.persistence.journal.SchemaMigrations;
import dev.lattice.persistence.testing.EmbeddedPostgres;
import dev.lattice.protocol.api.RunPage;
import dev.lattice.protocol.api.RunQuery;
import dev.lattice.protocol.api.RunSummary;
import dev.lattice.protocol.run.RunStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run index pages through runs in run id order, character by character, on H2 and on a
 * PostgreSQL database whose locale sorts text otherwise ('b' before 'C'), so listings and the
 * watchdog's sweep see the same order on both.
 */
class JdbcRunIndexOrderIT {
  private static final Instant AT = Instant.parse("2026-06-01T12:00:00Z");
  private static final int PAGE = 2;

  /** Ids whose code-point order differs from a linguistic one: upper case, '.', '_', '-'. */
  private static final List<String> IDS =
      List.of("b-run", "C-run", "a.run", "a_run", "a-run", "B-run", "0-run");

  @TempDir Path data;

  @Test
  void runsAreListedAndSweptInCodePointOrderOnH2AndOnPostgresql() throws SQLException {
    List<String> ascending = new ArrayList<>(IDS);
    Collections.sort(ascending);
    List<String> descending = new ArrayList<>(ascending);
    Collections.reverse(descending);

    for (JournalDatabase database :
        List.of(
            JournalDatabase.h2File(data, "order", ""),
            EmbeddedPostgres.shared().createDatabaseSorting("en-US"))) {
      SchemaMigrations.migrate(database);
      try (ReadModelDatabase pool = new ReadModelDatabase(database, 1)) {
        JdbcRunIndex index = new JdbcRunIndex(pool.dataSource());
        index(pool);
        assertThat(listed(index)).as("listed on %s", database.url()).isEqualTo(descending);
        assertThat(swept(index)).as("swept on %s", database.url()).isEqualTo(ascending);
      }
    }
  }

  /** {@link #IDS} as running runs, written as the journal writes them. */
  private static void index(ReadModelDatabase pool) throws SQLException {
    List<RunIndexChange> started = new ArrayList<>();
    for (String id : IDS) {
      started.add(new RunIndexChange(id, RunStatus.RUNNING.wire(), "default", "plan", AT));
    }
    try (Connection c = pool.dataSource().getConnection()) {
      RunIndexStatements.apply(c, started);
    }
  }

  /** Every run as listings page through them, newest (greatest id) first. */
  private static List<String> listed(JdbcRunIndex index) throws SQLException {
    List<String> ids = new ArrayList<>();
    String after = null;
    do {
      RunPage page = index.list(new RunQuery(null, null, after, PAGE));
      page.runs().stream().map(RunSummary::runId).forEach(ids::add);
      after = page.next();
    } while (after != null);
    return ids;
  }

  /** Every unfinished run as the watchdog pages through them. */
  private static List<String> swept(JdbcRunIndex index) throws SQLException {
    List<String> ids = new ArrayList<>();
    for (List<String> page = index.unfinished("", PAGE);
        !page.isEmpty();
        page = index.unfinished(page.get(page.size() - 1), PAGE)) {
      ids.addAll(page);
    }
    return ids;
  }
}
