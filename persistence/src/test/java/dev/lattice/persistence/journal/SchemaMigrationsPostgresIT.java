package dev.lattice.persistence.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.persistence.testing.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL migrations: a first start creates the schema, with the same tables, columns and
 * keys as on H2; every later start, and every node that starts at the same time on an empty
 * database, changes nothing.
 */
class SchemaMigrationsPostgresIT {
  private static final int NODES_STARTING_AT_ONCE = 3;

  @TempDir Path data;

  @Test
  void aFirstStartCreatesTheSchemaAndLaterStartsChangeNothing() throws SQLException {
    JournalDatabase database = EmbeddedPostgres.shared().createDatabase();
    int applied = SchemaMigrations.migrate(database);

    assertThat(applied).isEqualTo(migrations(JournalDatabase.h2File(data, "count", "")));
    assertThat(tables(database)).containsKeys("event_journal", "snapshot", "lattice_audit");
    assertThat(SchemaMigrations.migrate(database)).isZero();
  }

  @Test
  void nodesStartingTogetherOnAnEmptyDatabaseCreateTheSchemaOnce() throws Exception {
    JournalDatabase database = EmbeddedPostgres.shared().createDatabase();
    CyclicBarrier together = new CyclicBarrier(NODES_STARTING_AT_ONCE);
    ExecutorService nodes = Executors.newFixedThreadPool(NODES_STARTING_AT_ONCE);
    try {
      List<Future<Integer>> applied = new ArrayList<>();
      for (int i = 0; i < NODES_STARTING_AT_ONCE; i++) {
        Callable<Integer> start =
            () -> {
              together.await(30, TimeUnit.SECONDS);
              return SchemaMigrations.migrate(database);
            };
        applied.add(nodes.submit(start));
      }
      int total = 0;
      for (Future<Integer> node : applied) {
        total += node.get(60, TimeUnit.SECONDS);
      }
      assertThat(total).isEqualTo(migrations(JournalDatabase.h2File(data, "count", "")));
    } finally {
      nodes.shutdownNow();
    }
    assertThat(tables(database)).containsKeys("event_journal", "lattice_run_index");
  }

  @Test
  void theSchemaHasTheSameTablesColumnsAndKeysAsOnH2() throws SQLException {
    JournalDatabase postgres = EmbeddedPostgres.shared().createDatabase();
    JournalDatabase h2 = JournalDatabase.h2File(data, "schema", "");
    SchemaMigrations.migrate(postgres);
    SchemaMigrations.migrate(h2);

    assertThat(tables(postgres)).isEqualTo(tables(h2)).isNotEmpty();
  }

  @Test
  void aSchemaNamedInTheUrlHoldsTheJournalInsteadOfTheDefaultOne() throws SQLException {
    JournalDatabase database = EmbeddedPostgres.shared().createDatabase();
    execute(database, "CREATE SCHEMA lattice_journal");
    JournalDatabase inSchema =
        JournalDatabase.of(
            database.url() + "?currentSchema=lattice_journal",
            database.user(),
            database.password());

    assertThat(SchemaMigrations.migrate(inSchema)).isPositive();
    assertThat(tables(inSchema)).containsKeys("event_journal", "lattice_audit");
    assertThat(tables(database)).isEmpty();
  }

  @Test
  void aSchemaThatAlreadyHoldsOtherTablesIsRefused() throws SQLException {
    JournalDatabase database = EmbeddedPostgres.shared().createDatabase();
    execute(database, "CREATE TABLE \"something_else\" (\"id\" INTEGER)");

    assertThatThrownBy(() -> SchemaMigrations.migrate(database))
        .hasMessageContaining("non-empty schema");
    assertThat(tables(database)).containsOnlyKeys("something_else");
  }

  private static void execute(JournalDatabase database, String sql) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(database.url(), database.user(), database.password());
        Statement statement = c.createStatement()) {
      statement.execute(sql);
    }
  }

  /** How many migrations a fresh database gets. */
  private static int migrations(JournalDatabase fresh) {
    return SchemaMigrations.migrate(fresh);
  }

  /**
   * Lattice's tables, each described by its columns (name, nullability), primary key and indexes,
   * leaving out Flyway's own table and the types, which are each database's own.
   */
  private static Map<String, List<String>> tables(JournalDatabase database) throws SQLException {
    Map<String, List<String>> tables = new TreeMap<>();
    try (Connection c =
        DriverManager.getConnection(database.url(), database.user(), database.password())) {
      DatabaseMetaData meta = c.getMetaData();
      String schema = c.getSchema();
      List<String> names = new ArrayList<>();
      try (ResultSet rs = meta.getTables(null, schema, "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          names.add(rs.getString("TABLE_NAME"));
        }
      }
      for (String table : names) {
        if (table.equals("lattice_schema_history")) {
          continue;
        }
        List<String> description = new ArrayList<>();
        try (ResultSet rs = meta.getColumns(null, schema, table, "%")) {
          while (rs.next()) {
            description.add(
                "column "
                    + rs.getString("COLUMN_NAME")
                    + " nullable "
                    + rs.getString("IS_NULLABLE"));
          }
        }
        try (ResultSet rs = meta.getPrimaryKeys(null, schema, table)) {
          while (rs.next()) {
            description.add("key " + rs.getString("COLUMN_NAME") + " at " + rs.getShort("KEY_SEQ"));
          }
        }
        try (ResultSet rs = meta.getIndexInfo(null, schema, table, false, false)) {
          while (rs.next()) {
            String index = rs.getString("INDEX_NAME");
            // The migrations' own indexes; each database names (or adds) the ones behind keys
            // and constraints its own way.
            if (index != null
                && rs.getBoolean("NON_UNIQUE")
                && index.toLowerCase(Locale.ROOT).startsWith("lattice_")) {
              description.add(
                  "index "
                      + index.toLowerCase(Locale.ROOT)
                      + " on "
                      + rs.getString("COLUMN_NAME")
                      + " at "
                      + rs.getShort("ORDINAL_POSITION"));
            }
          }
        }
        description.sort(null);
        tables.put(table, description);
      }
    }
    return tables;
  }
}
