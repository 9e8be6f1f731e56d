package dev.lattice.persistence.readmodel;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lattice.persistence.journal.JournalDatabase;
import dev.lattice.persistence.journal.PoolThreads;
import javax.sql.DataSource;

/**
 * The connection pool of the read models, in the journal's database. Small on purpose: read-model
 * writes are batched by their writers, and each connection competes with the journal's.
 *
 * <p>{@link #close()} returns once the pool's connections are closed and its threads have ended.
 */
public final class ReadModelDatabase implements AutoCloseable {
  private static final String POOL_NAME = "lattice-read-models";

  private final PoolThreads threads = new PoolThreads(POOL_NAME);
  private final HikariDataSource dataSource;
  private final JournalDatabase.Dialect dialect;

  public ReadModelDatabase(JournalDatabase database, int poolSize) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(database.url());
    config.setUsername(database.user());
    config.setPassword(database.password());
    config.setDriverClassName(database.dialect().driver());
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(1);
    config.setPoolName(POOL_NAME);
    config.setThreadFactory(threads);
    this.dataSource = new HikariDataSource(config);
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
