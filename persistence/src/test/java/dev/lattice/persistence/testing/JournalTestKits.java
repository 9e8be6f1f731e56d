package dev.lattice.persistence.testing;

import com.typesafe.config.ConfigFactory;
import dev.lattice.persistence.journal.JournalDatabase;
import dev.lattice.persistence.journal.JournalPluginConfig;
import dev.lattice.persistence.journal.SchemaMigrations;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/** Test kits whose actor system persists to a real journal. */
public final class JournalTestKits {
  private JournalTestKits() {}

  /** Migrates {@code database} and starts a test kit named {@code name} that journals to it. */
  public static ActorTestKit on(JournalDatabase database, String name) {
    SchemaMigrations.migrate(database);
    return ActorTestKit.create(
        name,
        JournalPluginConfig.overlay(database)
            .withFallback(ConfigFactory.parseResources("lattice-persistence.conf"))
            .withFallback(ConfigFactory.load())
            .resolve());
  }
}
