package dev.lattice.orchestrator.testing;

import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.lattice.orchestrator.node.Lattice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What a running node's database holds, as text, for tests that look for what must not be there:
 * every row of every table, through the node's own JDBC URL and user.
 */
public final class DatabaseText {
  private static final CBORMapper CBOR = new CBORMapper();

  private DatabaseText() {}

  /**
   * Each table of the node's database (H2's public schema) as one text: its name, then its rows,
   * values as they are and binary ones (events, snapshots, stored payloads) both byte for byte and,
   * when CBOR, as JSON (CBOR may cut a long text into chunks).
   */
  public static List<String> tables(Lattice lattice) throws SQLException {
    List<String> dumps = new ArrayList<>();
    try (Connection c = JournalRows.connect(lattice)) {
      List<String> names = new ArrayList<>();
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "select table_name from information_schema.tables"
                      + " where table_schema = 'PUBLIC'")) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      for (String name : names) {
        dumps.add(dump(c, name));
      }
    }
    return dumps;
  }

  private static String dump(Connection c, String table) throws SQLException {
    StringBuilder text = new StringBuilder(table).append('\n');
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select * from \"" + table + "\"")) {
      ResultSetMetaData meta = rs.getMetaData();
      while (rs.next()) {
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          Object value = rs.getObject(i);
          if (value instanceof byte[] bytes) {
            text.append(new String(bytes, StandardCharsets.ISO_8859_1)).append(' ');
            text.append(cbor(bytes)).append(' ');
          } else {
            text.append(value).append(' ');
          }
        }
        text.append('\n');
      }
    }
    return text.toString();
  }

  private static String cbor(byte[] bytes) {
    try {
      return CBOR.readTree(bytes).toString();
    } catch (IOException | RuntimeException notCbor) {
      return "";
    }
  }
}
