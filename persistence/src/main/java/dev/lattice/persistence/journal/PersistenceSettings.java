package dev.lattice.persistence.journal;

import com.typesafe.config.Config;
import dev.lattice.persistence.query.RunEventFollower;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code lattice.persistence} settings.
 *
 * @param dataDirectory where the embedded journal file lives
 * @param database the journal database
 * @param migrateOnStart whether to bring the schema up to date when a node starts
 * @param readPageSize events read from the journal per query when replaying
 * @param followerResubscribeInterval how often a live follower re-subscribes to its run
 * @param readModelPoolSize connections of the read models' pool
 * @param followerDeltas how much streamed text a follower holds for a client that is busy
 */
public record PersistenceSettings(
    Path dataDirectory,
    JournalDatabase database,
    boolean migrateOnStart,
    int readPageSize,
    Duration followerResubscribeInterval,
    int readModelPoolSize,
    RunEventFollower.DeltaLimits followerDeltas) {

  /** The dispatcher for blocking read-model work. */
  public static final String READ_MODEL_DISPATCHER = "lattice.persistence.read-model-dispatcher";

  /** Reads the settings from the {@code lattice.persistence} section of {@code config}. */
  public static PersistenceSettings create(Config config) {
    Config c = config.getConfig("lattice.persistence");
    Path dataDirectory = Path.of(c.getString("data-dir"));
    String url = c.getString("jdbc.url");
    JournalDatabase database =
        url.isBlank()
            ? JournalDatabase.h2File(
                dataDirectory, c.getString("h2.file-name"), c.getString("h2.options"))
            : JournalDatabase.of(url, c.getString("jdbc.user"), password(c.getConfig("jdbc")));
    return new PersistenceSettings(
        dataDirectory,
        database,
        c.getBoolean("migrate-on-start"),
        c.getInt("read-side.page-size"),
        c.getDuration("read-side.resubscribe-interval"),
        c.getInt("read-models.pool-size"),
        new RunEventFollower.DeltaLimits(
            c.getInt("read-side.deltas.max-pending"), c.getInt("read-side.deltas.max-chars")));
  }

  /** {@code password}, else the content of {@code password-file}, else empty. */
  private static String password(Config jdbc) {
    String password = jdbc.getString("password");
    String file = jdbc.getString("password-file");
    if (!password.isEmpty() || file.isBlank()) {
      return password;
    }
    try {
      return SecretFile.read(Path.of(file));
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException(
          "cannot read the journal's password file " + file + ": " + e.getCause().getMessage(), e);
    }
  }
}
