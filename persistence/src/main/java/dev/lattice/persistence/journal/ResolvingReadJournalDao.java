package dev.lattice.persistence.journal;

import dev.lattice.persistence.payload.JournalPayloads;
import org.apache.pekko.NotUsed;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.jdbc.config.ReadJournalConfig;
import org.apache.pekko.persistence.jdbc.query.dao.DefaultReadJournalDao;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.scaladsl.Source;
import scala.Tuple2;
import scala.concurrent.ExecutionContext;
import scala.util.Try;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;

/**
 * The read journal's data access: pekko-persistence-jdbc's, except that an entity's events are read
 * with {@link JournalRowReads}, so followers and readers of a run's events get large events whole.
 * Configured as {@code jdbc-read-journal.dao}; the plugin creates it by reflection.
 */
public final class ResolvingReadJournalDao extends DefaultReadJournalDao {
  private final Serialization serialization;
  private final JournalPayloads payloads;

  public ResolvingReadJournalDao(
      JdbcBackend.JdbcDatabaseDef db,
      JdbcProfile profile,
      ReadJournalConfig readJournalConfig,
      Serialization serialization,
      ExecutionContext ec,
      Materializer mat) {
    super(db, profile, readJournalConfig, serialization, ec, mat);
    this.serialization = serialization;
    this.payloads = JournalPayloads.get(mat.system());
  }

  @Override
  public Source<Try<Tuple2<PersistentRepr, Object>>, NotUsed> messages(
      String persistenceId, long fromSequenceNr, long toSequenceNr, long max) {
    return JournalRowReads.messages(
        db(), serialization, payloads, ec(), persistenceId, fromSequenceNr, toSequenceNr, max);
  }
}
