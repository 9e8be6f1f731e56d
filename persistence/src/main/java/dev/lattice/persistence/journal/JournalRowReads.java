package dev.lattice.persistence.journal;

import dev.lattice.persistence.payload.JournalPayloads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.jdbc.PekkoSerialization;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.javadsl.Source;
import scala.Option;
import scala.Tuple2;
import scala.concurrent.ExecutionContext;
import scala.jdk.javaapi.FutureConverters;
import scala.util.Failure;
import scala.util.Try;
import slick.dbio.DBIOAction;
import slick.jdbc.JdbcBackend;
import slick.jdbc.SimpleJdbcAction;

/**
 * Reads an entity's journal rows in sequence order, as pekko-persistence-jdbc's own query does, and
 * makes rows written with references to stored parts whole before deserializing them. Used by the
 * journal (replay) and the read journal (event streams), so that every reader gets whole events.
 * The reading, resolving and deserializing run on the database's threads, never an actor's.
 */
final class JournalRowReads {
  private static final String SELECT =
      "SELECT \"ordering\", \"deleted\", \"persistence_id\", \"sequence_number\", \"writer\","
          + " \"write_timestamp\", \"adapter_manifest\", \"event_payload\", \"event_ser_id\","
          + " \"event_ser_manifest\", \"meta_payload\", \"meta_ser_id\", \"meta_ser_manifest\""
          + " FROM \"event_journal\" WHERE \"persistence_id\" = ? AND \"deleted\" = FALSE"
          + " AND \"sequence_number\" >= ? AND \"sequence_number\" <= ?"
          + " ORDER BY \"sequence_number\" LIMIT ?";

  /**
   * Rows read per query. The plugin asks for its replay or buffer batch (400 and 500 here) at a
   * time, so a page is one query for those; the bound keeps an unbounded ask from reading an
   * entity's whole journal into memory at once.
   */
  private static final int PAGE = 500;

  private JournalRowReads() {}

  private record Cursor(long from, long remaining) {}

  private record Page(List<Try<Tuple2<PersistentRepr, Object>>> events, long lastSeq) {}

  /**
   * Like the plugin's {@code messages}: at most {@code max} events from {@code from} to {@code to}.
   */
  static org.apache.pekko.stream.scaladsl.Source<Try<Tuple2<PersistentRepr, Object>>, NotUsed>
      messages(
          JdbcBackend.JdbcDatabaseDef db,
          Serialization serialization,
          JournalPayloads payloads,
          ExecutionContext ec,
          String persistenceId,
          long from,
          long to,
          long max) {
    Executor executor = ec::execute;
    return Source.unfoldAsync(
            new Cursor(Math.max(1, from), max),
            cursor -> {
              if (cursor.remaining() <= 0 || cursor.from() > to) {
                return CompletableFuture.completedFuture(Optional.empty());
              }
              int limit = (int) Math.min(PAGE, cursor.remaining());
              return read(db, serialization, payloads, persistenceId, cursor.from(), to, limit)
                  .thenApplyAsync(
                      page -> {
                        if (page.events().isEmpty()) {
                          return Optional.empty();
                        }
                        long remaining =
                            page.events().size() < limit
                                ? 0
                                : cursor.remaining() - page.events().size();
                        return Optional.of(
                            Pair.create(new Cursor(page.lastSeq() + 1, remaining), page.events()));
                      },
                      executor);
            })
        .mapConcat(events -> events)
        .asScala();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static CompletionStage<Page> read(
      JdbcBackend.JdbcDatabaseDef db,
      Serialization serialization,
      JournalPayloads payloads,
      String persistenceId,
      long from,
      long to,
      int limit) {
    SimpleJdbcAction<Page> action =
        SimpleJdbcAction.apply(
            context -> {
              try {
                return page(
                    context.connection(), serialization, payloads, persistenceId, from, to, limit);
              } catch (SQLException e) {
                throw new IllegalStateException(
                    "reading the journal of " + persistenceId + " failed: " + e.getMessage(), e);
              }
            });
    return FutureConverters.asJava(db.run((DBIOAction) action));
  }

  private static Page page(
      Connection connection,
      Serialization serialization,
      JournalPayloads payloads,
      String persistenceId,
      long from,
      long to,
      int limit)
      throws SQLException {
    List<Try<Tuple2<PersistentRepr, Object>>> events = new ArrayList<>();
    long lastSeq = from - 1;
    try (PreparedStatement select = connection.prepareStatement(SELECT)) {
      select.setString(1, persistenceId);
      select.setLong(2, from);
      select.setLong(3, to);
      select.setInt(4, limit);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          lastSeq = rs.getLong(4);
          events.add(event(connection, serialization, payloads, rs));
        }
      }
    }
    return new Page(events, lastSeq);
  }

  private static Try<Tuple2<PersistentRepr, Object>> event(
      Connection connection, Serialization serialization, JournalPayloads payloads, ResultSet rs)
      throws SQLException {
    String manifest = rs.getString(7);
    byte[] payload = rs.getBytes(8);
    if (JournalPayloads.REFS_MANIFEST.equals(manifest)) {
      try {
        payload = payloads.resolve(connection, payload);
      } catch (RuntimeException e) {
        return new Failure<>(e);
      }
      // The plugin's undefined manifest: rows are written with references only when it is empty.
      manifest = "";
    }
    Object metaSerId = rs.getObject(12);
    JournalPekkoSerializationRow row =
        new JournalPekkoSerializationRow(
            rs.getLong(1),
            rs.getBoolean(2),
            rs.getString(3),
            rs.getLong(4),
            rs.getString(5),
            rs.getLong(6),
            manifest,
            payload,
            rs.getInt(9),
            rs.getString(10),
            Option.apply(rs.getBytes(11)),
            metaSerId == null ? Option.empty() : Option.apply(((Number) metaSerId).intValue()),
            Option.apply(rs.getString(13)));
    return PekkoSerialization.fromRow(serialization, row);
  }
}
