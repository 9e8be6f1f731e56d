package dev.lattice.persistence.payload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lattice.persistence.journal.JournalDatabase;
import dev.lattice.persistence.journal.SchemaMigrations;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The payload table on an H2 file ({@link PayloadTablePostgresIT} on PostgreSQL): a part stored
 * twice, in one write or in two, is one row, and reads find what is stored.
 */
class PayloadTableIT {
  @TempDir Path data;

  @Test
  void aPartStoredTwiceIsOneRow() throws SQLException {
    checkIdempotence(JournalDatabase.h2File(data, "payloads", ""));
  }

  static void checkIdempotence(JournalDatabase database) throws SQLException {
    SchemaMigrations.migrate(database);
    byte[] content = PayloadCodec.encode(JsonNodeFactory.instance.textNode("x".repeat(3000)));
    byte[] other = new byte[] {1, 2, 3};
    String hash = PayloadRef.of(content).hash();
    String otherHash = PayloadRef.of(other).hash();
    try (Connection c =
        DriverManager.getConnection(database.url(), database.user(), database.password())) {
      c.setAutoCommit(false);
      PayloadTable.insert(c, Map.of(hash, content));
      c.commit();
      PayloadTable.insert(c, Map.of(hash, content, otherHash, other));
      c.commit();

      assertThat(count(c)).isEqualTo(2);
      Map<String, byte[]> found = PayloadTable.select(c, List.of(hash, otherHash, "sha256:none"));
      assertThat(found).containsOnlyKeys(hash, otherHash);
      assertThat(found.get(hash)).isEqualTo(content);
    }
  }

  private static long count(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from \"lattice_payload\"")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
