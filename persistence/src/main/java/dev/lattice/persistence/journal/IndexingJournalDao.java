package dev.lattice.persistence.journal;

import dev.lattice.persistence.audit.AuditChains.NewRow;
import dev.lattice.persistence.metrics.JournalMeters;
import dev.lattice.persistence.metrics.NodeMeters;
import dev.lattice.persistence.payload.JournalPayloads;
import dev.lattice.persistence.readmodel.AuditStatements;
import dev.lattice.persistence.readmodel.RunIndexChange;
import dev.lattice.persistence.readmodel.RunIndexStatements;
import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.audit.Audited;
import dev.lattice.protocol.audit.Intervened;
import dev.lattice.protocol.audit.InterventionEntry;
import dev.lattice.protocol.run.RunChange;
import java.io.NotSerializableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.NotUsed;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;
import org.apache.pekko.persistence.journal.Tagged;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.scaladsl.Source;
import scala.Tuple2;
import scala.collection.immutable.Seq;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;
import scala.util.Try;
import slick.dbio.DBIOAction;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;
import slick.jdbc.SimpleJdbcAction;

/**
 * The journal's data access, extended to keep the run index ({@code lattice_run_index}) in the same
 * transactions as the run events it reflects: a run's row is inserted with its {@code run.started}
 * event and its status changes with the event that changes it. The index therefore never misses a
 * run nor lags its journal, and costs no commits of its own. The audit trail ({@code
 * lattice_audit}) is kept the same way: the entries of an {@link Audited} event (a dispatcher's)
 * and the intervention of an {@link Intervened} one (a run's) are appended to their audit chains
 * with it.
 *
 * <p>Large events are written with their large parts in the payload table instead ({@link
 * JournalPayloads}), in the same transaction, and made whole again when replayed.
 *
 * <p>Everything else is pekko-persistence-jdbc's: serialization, the write queue that batches
 * concurrent writes into one transaction, and queries. Only writing a batch of rows and reading a
 * run's rows for replay are done here with plain JDBC, in the column layout of Lattice's
 * migrations. Configured as {@code jdbc-journal.dao}; the plugin creates it by reflection.
 */
public final class IndexingJournalDao extends DefaultJournalDao {
  private static final String INSERT_EVENT =
      "INSERT INTO \"event_journal\" (\"deleted\", \"persistence_id\", \"sequence_number\","
          + " \"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\","
          + " \"event_ser_id\", \"event_ser_manifest\", \"meta_payload\", \"meta_ser_id\","
          + " \"meta_ser_manifest\") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private final NewPersistenceIds newIds;
  private final JournalPayloads payloads;
  private final Serialization serialization;
  private final int cborSerializerId;
  private final JournalMeters meters;

  /** Index changes of rows on their way to the write queue, by persistence id and sequence nr. */
  private final ConcurrentHashMap<String, RunIndexChange> pending = new ConcurrentHashMap<>();

  /** Audit rows of events on their way to the write queue, by persistence id and sequence nr. */
  private final ConcurrentHashMap<String, List<NewRow>> pendingAudit = new ConcurrentHashMap<>();

  public IndexingJournalDao(
      JdbcBackend.JdbcDatabaseDef db,
      JdbcProfile profile,
      JournalConfig journalConfig,
      Serialization serialization,
      ExecutionContext ec,
      Materializer mat) {
    super(db, profile, journalConfig, serialization, ec, mat);
    this.newIds = NewPersistenceIds.get(mat.system());
    this.payloads = JournalPayloads.get(mat.system());
    this.serialization = serialization;
    this.cborSerializerId = cborSerializerId(serialization);
    this.meters = new JournalMeters(NodeMeters.get(mat.system()));
    newIds.answeredByJournal();
  }

  @Override
  public Future<Object> highestSequenceNr(String persistenceId, long fromSequenceNr) {
    if (newIds.claim(persistenceId)) {
      return Future.successful(0L);
    }
    return super.highestSequenceNr(persistenceId, fromSequenceNr);
  }

  @Override
  public Future<Seq<Try<BoxedUnit>>> asyncWriteMessages(Seq<AtomicWrite> messages) {
    // The events are still objects here; their rows reach writeJournalRows serialized.
    for (AtomicWrite write : CollectionConverters.asJava(messages)) {
      for (PersistentRepr repr : CollectionConverters.asJava(write.payload())) {
        Object event = repr.payload() instanceof Tagged tagged ? tagged.payload() : repr.payload();
        if (event instanceof RunChange change && change.establishes() != null) {
          pending.put(
              key(repr.persistenceId(), repr.sequenceNr()),
              RunIndexChange.of(repr.persistenceId(), change));
        }
        if (event instanceof Audited audited && !audited.auditEntries().isEmpty()) {
          pendingAudit.put(
              key(repr.persistenceId(), repr.sequenceNr()),
              AuditStatements.rows(audited.auditEntries()));
        }
        if (event instanceof Intervened intervened) {
          InterventionEntry entry = intervened.auditedIntervention();
          if (entry != null) {
            pendingAudit.put(
                key(repr.persistenceId(), repr.sequenceNr()),
                List.of(AuditStatements.intervention(entityId(repr.persistenceId()), entry)));
          }
        }
      }
    }
    return super.asyncWriteMessages(messages);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Future<BoxedUnit> writeJournalRows(
      Seq<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows) {
    List<JournalPekkoSerializationRow> batch = new ArrayList<>();
    boolean tagged = false;
    for (Tuple2<JournalPekkoSerializationRow, Set<String>> row :
        CollectionConverters.asJava(rows)) {
      batch.add(row._1());
      tagged |= !row._2().isEmpty();
    }
    if (tagged) {
      // Lattice tags no events; should anything else, the plugin's own write handles tags (and
      // writes its events whole).
      return super.writeJournalRows(rows);
    }
    // In sequence order, as the plugin writes them.
    batch.sort(Comparator.comparingLong(JournalPekkoSerializationRow::sequenceNumber));
    List<RunIndexChange> changes = new ArrayList<>();
    List<NewRow> audit = new ArrayList<>();
    for (JournalPekkoSerializationRow row : batch) {
      String key = key(row.persistenceId(), row.sequenceNumber());
      RunIndexChange change = pending.remove(key);
      if (change != null) {
        changes.add(change);
      }
      // No lookup at all while no audited event is on its way to the write queue.
      if (!pendingAudit.isEmpty()) {
        List<NewRow> rowsOfEvent = pendingAudit.remove(key);
        if (rowsOfEvent != null) {
          audit.addAll(rowsOfEvent);
        }
      }
    }
    SimpleJdbcAction<BoxedUnit> write =
        SimpleJdbcAction.apply(
            context -> {
              write(context.connection(), batch, changes, audit);
              return BoxedUnit.UNIT;
            });
    return db().run((DBIOAction) write);
  }

  @Override
  public Source<Try<Tuple2<PersistentRepr, Object>>, NotUsed> messages(
      String persistenceId, long fromSequenceNr, long toSequenceNr, long max) {
    // Replay reads rows itself, to make rows written with references whole before they are
    // deserialized.
    return JournalRowReads.messages(
        db(), serialization, payloads, ec(), persistenceId, fromSequenceNr, toSequenceNr, max);
  }

  private void write(
      Connection connection,
      List<JournalPekkoSerializationRow> rows,
      List<RunIndexChange> changes,
      List<NewRow> audit) {
    try {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      long start = System.nanoTime();
      boolean committed = false;
      try {
        // Large events lose their large parts to the payload table, written first: a row never
        // refers to a part that is not there.
        Map<String, byte[]> parts = new LinkedHashMap<>();
        List<JournalPayloads.Externalised> externalised = new ArrayList<>(rows.size());
        for (JournalPekkoSerializationRow row : rows) {
          // Only Lattice's own events (CBOR by Jackson) are split; Pekko's own rows stay as they
          // are.
          JournalPayloads.Externalised e =
              row.eventSerId() == cborSerializerId && row.adapterManifest().isEmpty()
                  ? payloads.externalise(row.eventPayload())
                  : null;
          externalised.add(e);
          if (e != null) {
            e.parts().forEach(parts::putIfAbsent);
          }
        }
        payloads.store(connection, parts);
        try (PreparedStatement insert = connection.prepareStatement(INSERT_EVENT)) {
          for (int i = 0; i < rows.size(); i++) {
            bind(insert, rows.get(i), externalised.get(i));
            insert.addBatch();
          }
          insert.executeBatch();
        }
        RunIndexStatements.apply(connection, changes);
        AuditStatements.insert(connection, audit, System.currentTimeMillis());
        connection.commit();
        committed = true;
        payloads.committed(parts);
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        meters.written(rows.size(), System.nanoTime() - start, committed);
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new JournalWriteException(e);
    }
  }

  private static void bind(
      PreparedStatement insert,
      JournalPekkoSerializationRow row,
      JournalPayloads.Externalised externalised)
      throws SQLException {
    insert.setBoolean(1, row.deleted());
    insert.setString(2, row.persistenceId());
    insert.setLong(3, row.sequenceNumber());
    insert.setString(4, row.writer());
    insert.setLong(5, row.writeTimestamp());
    insert.setString(
        6, externalised == null ? row.adapterManifest() : JournalPayloads.REFS_MANIFEST);
    insert.setBytes(7, externalised == null ? row.eventPayload() : externalised.event());
    insert.setInt(8, row.eventSerId());
    insert.setString(9, row.eventSerManifest());
    if (row.metaPayload().isDefined()) {
      insert.setBytes(10, row.metaPayload().get());
      insert.setInt(11, (Integer) row.metaSerId().get());
      insert.setString(12, row.metaSerManifest().get());
    } else {
      insert.setNull(10, Types.VARBINARY);
      insert.setNull(11, Types.INTEGER);
      insert.setNull(12, Types.VARCHAR);
    }
  }

  /** The serializer of every Lattice event: the one bound to {@link CborSerializable}. */
  private static int cborSerializerId(Serialization serialization) {
    try {
      return serialization.serializerFor(CborSerializable.class).identifier();
    } catch (NotSerializableException e) {
      throw new IllegalStateException("no serializer is bound to CborSerializable", e);
    }
  }

  /** The entity id of a persistence id {@code TYPE|ID} (a run's id). */
  private static String entityId(String persistenceId) {
    return persistenceId.substring(persistenceId.indexOf('|') + 1);
  }

  private static String key(String persistenceId, long sequenceNr) {
    return persistenceId + "#" + sequenceNr;
  }

  /** A failed journal write; the plugin fails the persisting entity with it. */
  static final class JournalWriteException extends RuntimeException {
    JournalWriteException(SQLException cause) {
      super("writing to the journal failed: " + cause.getMessage(), cause);
    }
  }
}
