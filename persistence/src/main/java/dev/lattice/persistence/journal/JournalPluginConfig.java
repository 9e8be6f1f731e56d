package dev.lattice.persistence.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;

/**
 * The part of the pekko-persistence-jdbc configuration that depends on where the journal lives.
 * Everything else (pool sizes, batching, plugin selection) is in {@code lattice-persistence.conf}.
 */
public final class JournalPluginConfig {
  private static final String DB = "pekko-persistence-jdbc.shared-databases.slick";

  private JournalPluginConfig() {}

  /** Config that points the shared journal, snapshot and query database at {@code database}. */
  public static Config overlay(JournalDatabase database) {
    return ConfigFactory.parseMap(
        Map.of(
            DB + ".profile", database.dialect().slickProfile(),
            DB + ".db.url", database.url(),
            DB + ".db.user", database.user(),
            DB + ".db.password", database.password(),
            DB + ".db.driver", database.dialect().driver()));
  }
}
