package dev.lattice.persistence.journal;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.ValidateResult;

/**
 * Creates and upgrades the journal schema with versioned migrations (Flyway), so a first start
 * creates it and every later start is a no-op that fails loudly if the schema is not what this
 * version expects.
 */
public final class SchemaMigrations {
  /** Flyway's record of the migrations applied. */
  static final String HISTORY_TABLE = "lattice_schema_history";

  private SchemaMigrations() {}

  /** Brings {@code database}'s schema up to date; returns how many migrations were applied. */
  public static int migrate(JournalDatabase database) {
    MigrateResult result = flyway(database).migrate();
    return result.migrationsExecuted;
  }

  /**
   * Checks, without changing anything, that {@code database}'s schema is this version's: for a user
   * that may read and write rows but not create tables, whose schema another node migrates.
   *
   * @throws IllegalStateException if it is not (missing, older, or changed)
   */
  public static void validate(JournalDatabase database) {
    ValidateResult result = flyway(database).validateWithResult();
    if (!result.validationSuccessful) {
      String detail =
          result.invalidMigrations.isEmpty()
              ? result.getAllErrorMessages()
              : result.invalidMigrations.get(0).errorDetails.errorMessage;
      throw new IllegalStateException(
          "the journal's schema is not this version's ("
              + detail.lines().findFirst().orElse(detail)
              + "); a node allowed to create tables migrates it: the seed that hosts the journal"
              + " server, or a node with lattice.persistence.migrate-on-start = on");
    }
  }

  private static Flyway flyway(JournalDatabase database) {
    return Flyway.configure()
        .dataSource(database.url(), database.user(), database.password())
        .locations(database.dialect().migrations())
        .table(HISTORY_TABLE)
        .failOnMissingLocations(true)
        .load();
  }
}
