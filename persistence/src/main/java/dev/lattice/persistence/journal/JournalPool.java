package dev.lattice.persistence.journal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;

/**
 * A connection pool of its own in the journal's database, beside the journal's, for tables that are
 * read and written outside the journal's transactions.
 *
 * <p>{@link #close()} returns once the pool's connections are closed and its threads have ended.
 */
public class JournalPool implements AutoCloseable {
  private final PoolThreads threads;
  private final HikariDataSource dataSource;
  private final JournalDatabase.Dialect dialect;

  /**
   * A pool of at most {@code poolSize} connections named {@code poolName}. A lazy pool opens no
   * connection and starts no thread until its first connection is asked for, so a node that never
   * uses it pays nothing for it.
   */
  public JournalPool(JournalDatabase database, int poolSize, String poolName, boolean lazy) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(database.url());
    config.setUsername(database.user());
    config.setPassword(database.password());
    config.setDriverClassName(database.dialect().driver());
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(lazy ? 0 : 1);
    config.setPoolName(poolName);
    this.threads = new PoolThreads(poolName);
    config.setThreadFactory(threads);
    if (lazy) {
      // HikariCP's no-argument data source starts its pool at the first getConnection().
      this.dataSource = new HikariDataSource();
      config.copyStateTo(dataSource);
    } else {
      this.dataSource = new HikariDataSource(config);
    }
    this.dialect = database.dialect();
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public JournalDatabase.Dialect dialect() {
    return dialect;
  }

  @Override
  public void close() {
    dataSource.close();
    threads.join(PoolThreads.JOIN_BOUND);
  }
}
