package dev.lattice.persistence.journal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Checks that the journal's database answers: one query on the journal table that reads no row. It
 * goes through a pool of one connection of its own, so that the check neither waits behind the
 * journal's writes nor takes a connection from them, and so that it gives up within its timeout
 * when the database is gone (the pool stops waiting for a connection then).
 *
 * <p>{@link #check()} blocks: call it from a dispatcher meant for blocking work. {@link #close()}
 * returns once the pool's connection is closed and its threads have ended.
 */
public final class JournalProbe implements AutoCloseable {
  /** Touches the journal table, so a database without the journal's schema fails too. */
  private static final String QUERY = "SELECT 1 FROM \"event_journal\" WHERE 1 = 0";

  /** The shortest connection timeout HikariCP accepts. */
  private static final Duration SHORTEST_POOL_TIMEOUT = Duration.ofMillis(250);

  private static final String POOL_NAME = "lattice-journal-probe";

  private final PoolThreads threads = new PoolThreads(POOL_NAME);
  private final HikariDataSource dataSource;
  private final int queryTimeoutSeconds;

  /**
   * @param database the journal's database
   * @param timeout how long a check may wait for a connection, and then for its query
   */
  public JournalProbe(JournalDatabase database, Duration timeout) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(database.url());
    config.setUsername(database.user());
    config.setPassword(database.password());
    config.setDriverClassName(database.dialect().driver());
    config.setMaximumPoolSize(1);
    config.setMinimumIdle(0);
    Duration poolTimeout =
        timeout.compareTo(SHORTEST_POOL_TIMEOUT) < 0 ? SHORTEST_POOL_TIMEOUT : timeout;
    config.setConnectionTimeout(poolTimeout.toMillis());
    config.setValidationTimeout(SHORTEST_POOL_TIMEOUT.toMillis());
    // The node starts even when the database does not answer yet; the check then says so.
    config.setInitializationFailTimeout(-1);
    config.setPoolName(POOL_NAME);
    config.setThreadFactory(threads);
    this.dataSource = new HikariDataSource(config);
    // JDBC counts query timeouts in whole seconds.
    this.queryTimeoutSeconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
  }

  /**
   * Returns when the journal answered.
   *
   * @throws SQLException when it did not, within the timeout or at all
   */
  public void check() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(queryTimeoutSeconds);
      try (ResultSet rows = statement.executeQuery(QUERY)) {
        rows.next();
      }
    }
  }

  @Override
  public void close() {
    dataSource.close();
    threads.join(PoolThreads.JOIN_BOUND);
  }
}
