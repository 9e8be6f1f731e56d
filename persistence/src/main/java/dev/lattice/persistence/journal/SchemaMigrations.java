package dev.lattice.persistence.journal;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Creates and upgrades the journal schema with versioned migrations (Flyway), so a first start
 * creates it and every later start is a no-op that fails loudly if the schema is not what this
 * version expects.
 */
public final class SchemaMigrations {
  private SchemaMigrations() {}

  /** Brings {@code database}'s schema up to date; returns how many migrations were applied. */
  public static int migrate(JournalDatabase database) {
    MigrateResult result =
        Flyway.configure()
            .dataSource(database.url(), database.user(), database.password())
            .locations(database.dialect().migrations())
            .table("lattice_schema_history")
            .failOnMissingLocations(true)
            .load()
            .migrate();
    return result.migrationsExecuted;
  }
}
