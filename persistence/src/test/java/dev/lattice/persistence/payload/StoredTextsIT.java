package dev.lattice.persistence.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lattice.persistence.journal.JournalDatabase;
import dev.lattice.persistence.journal.SchemaMigrations;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Texts stored by content in the payload table of an H2 file: a text stored again, by this node or
 * another, is still one row; reads find what is stored; and a text is the same row as the part the
 * journal stores of an event holding it.
 */
class StoredTextsIT {
  @TempDir Path data;

  @Test
  void aTextStoredAgainIsOneRowAndReadsBackAsStored() throws SQLException {
    JdbcDataSource dataSource = migrated();
    String longText = "Ada plans a trip to Lisbon. ".repeat(100);
    String shortText = "Noted.";

    new StoredTexts(dataSource, 1 << 20).store(List.of(longText, shortText, shortText));
    // Another node, which has not seen them: the rows are there already.
    StoredTexts other = new StoredTexts(dataSource, 1 << 20);
    other.store(List.of(shortText, longText));

    assertThat(rows(dataSource, StoredTexts.hash(longText))).isEqualTo(1);
    assertThat(rows(dataSource, StoredTexts.hash(shortText))).isEqualTo(1);
    assertThat(other.read(List.of(StoredTexts.hash(shortText), StoredTexts.hash(longText))))
        .isEqualTo(
            Map.of(StoredTexts.hash(shortText), shortText, StoredTexts.hash(longText), longText));
    assertThat(StoredTexts.hash(shortText)).matches("sha256:[0-9a-f]{64}");
  }

  @Test
  void aTextIsTheSameRowAsTheJournalsPartOfAnEventHoldingIt() {
    String answer = "A long answer that every later step is sent. ".repeat(50);
    PayloadSplitter splitter = new PayloadSplitter(new PayloadSettings(1024, 256, 1 << 20));

    var split =
        splitter.split(JsonNodeFactory.instance.objectNode().put("text", answer).put("n", 1));

    assertThat(split.parts()).containsKey(StoredTexts.hash(answer));
  }

  @Test
  void readingATextThatIsNotStoredFails() throws SQLException {
    StoredTexts texts = new StoredTexts(migrated(), 1 << 20);

    assertThatThrownBy(() -> texts.read(List.of(StoredTexts.hash("never stored"))))
        .isInstanceOf(PayloadResolver.MissingPayloadException.class);
  }

  private JdbcDataSource migrated() {
    JournalDatabase database = JournalDatabase.h2File(data, "texts", "");
    SchemaMigrations.migrate(database);
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL(database.url());
    dataSource.setUser(database.user());
    dataSource.setPassword(database.password());
    return dataSource;
  }

  private static long rows(JdbcDataSource dataSource, String hash) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("select count(*) from \"lattice_payload\" where \"hash\" = ?")) {
      s.setString(1, hash);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
