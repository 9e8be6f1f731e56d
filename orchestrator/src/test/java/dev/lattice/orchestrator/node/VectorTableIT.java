package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lattice.persistence.journal.JournalDatabase;
import dev.lattice.persistence.journal.JournalPool;
import dev.lattice.persistence.journal.SchemaMigrations;
import dev.lattice.worker.action.retrieval.VectorTable;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vector table of the built-in vector actions in a journal's database (an H2 file here,
 * PostgreSQL in {@link VectorTablePostgresIT}), created by the journal's migrations and reached
 * through a pool like the node's.
 */
class VectorTableIT {
  @TempDir Path data;
  private JournalPool pool;
  private VectorTable table;

  JournalDatabase database() {
    return JournalDatabase.h2File(data, "vectors", "");
  }

  @BeforeEach
  void open() {
    JournalDatabase database = database();
    SchemaMigrations.migrate(database);
    pool = new JournalPool(database, 2, "test-vectors", true);
    table = new VectorTable(pool.dataSource());
  }

  @AfterEach
  void close() {
    pool.close();
  }

  private static VectorTable.Row row(String id, String document, float... vector) {
    return new VectorTable.Row(id, document, "text of " + id, "{\"n\":1}", vector);
  }

  @Test
  void aQueryRanksTheCollectionsRowsByCosineSimilarity() throws SQLException {
    table.upsert(
        "acme",
        "docs",
        null,
        List.of(
            row("far", null, 0, 1, 0),
            row("near", null, 1, 0.1f, 0),
            row("same", null, 3, 0, 0),
            row("opposite", null, -1, 0, 0)));

    VectorTable.Found found = table.nearest("acme", "docs", new float[] {1, 0, 0}, 3);

    assertThat(found.matches())
        .extracting(VectorTable.Match::id)
        .containsExactly("same", "near", "far");
    assertThat(found.matches().get(0).score()).isCloseTo(1.0, within(1e-6));
    assertThat(found.matches().get(1).text()).isEqualTo("text of near");
    assertThat(found.matches().get(1).metadata()).isEqualTo("{\"n\":1}");
    assertThat(found.otherDimension()).isZero();
  }

  @Test
  void storingTheSameIdsAgainReplacesTheirRows() throws SQLException {
    List<VectorTable.Row> rows = List.of(row("a", null, 1, 0), row("b", null, 0, 1));
    table.upsert("acme", "docs", null, rows);
    table.upsert("acme", "docs", null, rows);
    table.upsert(
        "acme",
        "docs",
        null,
        List.of(new VectorTable.Row("a", null, "new text", null, new float[] {1, 0})));

    assertThat(count("acme", "docs")).isEqualTo(2);
    VectorTable.Match a = table.nearest("acme", "docs", new float[] {1, 0}, 1).matches().get(0);
    assertThat(a.text()).isEqualTo("new text");
    assertThat(a.metadata()).isNull();
  }

  @Test
  void storingADocumentAgainRemovesItsChunksThatAreGone() throws SQLException {
    table.upsert(
        "acme",
        "docs",
        "guide",
        List.of(
            row("guide#0", "guide", 1, 0),
            row("guide#1", "guide", 0, 1),
            row("guide#2", "guide", 1, 1)));
    table.upsert("acme", "docs", "other", List.of(row("other#0", "other", 1, 0)));

    int removed =
        table.upsert(
            "acme",
            "docs",
            "guide",
            List.of(row("guide#0", "guide", 1, 0), row("guide#1", "guide", 0, 1)));

    assertThat(removed).isEqualTo(1);
    assertThat(count("acme", "docs")).isEqualTo(3);
  }

  @Test
  void aTenantNeitherFindsNorChangesAnothersRows() throws SQLException {
    table.upsert("acme", "docs", "guide", List.of(row("guide#0", "guide", 1, 0)));

    assertThat(table.nearest("globex", "docs", new float[] {1, 0}, 5).matches()).isEmpty();
    // The same collection, document and id under another tenant are rows of their own.
    assertThat(table.upsert("globex", "docs", "guide", List.of(row("guide#9", "guide", 0, 1))))
        .isZero();
    assertThat(count("acme", "docs")).isEqualTo(1);
    assertThat(table.nearest("acme", "docs", new float[] {0, 1}, 5).matches())
        .extracting(VectorTable.Match::id)
        .containsExactly("guide#0");
  }

  @Test
  void rowsOfAnotherDimensionAreCountedNotCompared() throws SQLException {
    table.upsert(
        "acme", "docs", null, List.of(row("three", null, 1, 0, 0), row("two", null, 1, 0)));

    VectorTable.Found found = table.nearest("acme", "docs", new float[] {1, 0}, 5);

    assertThat(found.matches()).extracting(VectorTable.Match::id).containsExactly("two");
    assertThat(found.otherDimension()).isEqualTo(1);
  }

  private long count(String tenant, String collection) throws SQLException {
    try (Connection c = pool.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "select count(*) from \"lattice_vector\" where \"tenant\" = ? and \"collection\" = ?")) {
      s.setString(1, tenant);
      s.setString(2, collection);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
