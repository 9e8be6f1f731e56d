package dev.lattice.persistence.query;

import com.typesafe.config.Config;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.jdbc.config.SnapshotConfig;
import org.apache.pekko.persistence.jdbc.db.SlickDatabase;
import org.apache.pekko.persistence.jdbc.db.SlickExtension;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;
import org.apache.pekko.persistence.jdbc.snapshot.dao.DefaultSnapshotDao;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.Materializer;
import scala.Option;
import scala.Tuple2;
import scala.jdk.javaapi.FutureConverters;

/**
 * Reads an entity's latest snapshot from the snapshot store, with the snapshot plugin's own data
 * access and serialization (so it reads exactly what recovery reads), over the journal's shared
 * database. Lets a reader rebuild a state from its latest snapshot and the events after it instead
 * of from the first event.
 */
public final class SnapshotReader {
  private static final String PLUGIN = "jdbc-snapshot-store";

  private final ActorSystem<?> system;
  private final DefaultSnapshotDao dao;

  private SnapshotReader(ActorSystem<?> system, DefaultSnapshotDao dao) {
    this.system = system;
    this.dao = dao;
  }

  public static SnapshotReader create(ActorSystem<?> system) {
    Config config = system.settings().config().getConfig(PLUGIN);
    SlickDatabase database =
        ((SlickExtensionImpl) SlickExtension.get(system.classicSystem())).database(config);
    DefaultSnapshotDao dao =
        new DefaultSnapshotDao(
            database.database(),
            database.profile(),
            new SnapshotConfig(config),
            SerializationExtension.get(system.classicSystem()),
            system.executionContext(),
            Materializer.matFromSystem(system));
    return new SnapshotReader(system, dao);
  }

  /**
   * A snapshot and the sequence number of the last event it includes.
   *
   * @param seq the sequence number the snapshot was taken at
   * @param state the deserialized state
   */
  public record Latest(long seq, Object state) {}

  /** The latest snapshot of {@code persistenceId}, if it has any. */
  public CompletionStage<Optional<Latest>> latest(String persistenceId) {
    return FutureConverters.asJava(dao.latestSnapshot(persistenceId))
        .thenApplyAsync(SnapshotReader::latest, system.executionContext());
  }

  private static Optional<Latest> latest(Option<Tuple2<SnapshotMetadata, Object>> found) {
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Tuple2<SnapshotMetadata, Object> snapshot = found.get();
    return Optional.of(new Latest(snapshot._1().sequenceNr(), snapshot._2()));
  }
}
