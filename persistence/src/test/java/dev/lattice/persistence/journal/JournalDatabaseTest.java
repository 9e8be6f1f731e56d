package dev.lattice.persistence.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import org.junit.jupiter.api.Test;

/** The journal's database product, and so its driver, profile and migrations, follow its URL. */
class JournalDatabaseTest {
  @Test
  void aPostgresqlUrlSelectsPostgresqlsDriverProfileAndMigrations() {
    JournalDatabase database =
        JournalDatabase.of("jdbc:postgresql://db.example:5432/lattice", "lattice", "secret");

    assertThat(database.dialect()).isEqualTo(JournalDatabase.Dialect.POSTGRES);
    assertThat(database.dialect().migrations()).isEqualTo("classpath:db/migration/postgres");
    Config plugin =
        JournalPluginConfig.overlay(database)
            .getConfig("pekko-persistence-jdbc.shared-databases.slick");
    assertThat(plugin.getString("profile")).isEqualTo("slick.jdbc.PostgresProfile$");
    assertThat(plugin.getString("db.driver")).isEqualTo("org.postgresql.Driver");
    assertThat(plugin.getString("db.url")).isEqualTo("jdbc:postgresql://db.example:5432/lattice");
    assertThat(plugin.getString("db.user")).isEqualTo("lattice");
  }

  @Test
  void anH2UrlSelectsH2() {
    assertThat(JournalDatabase.of("jdbc:h2:tcp://localhost/lattice", "sa", "").dialect())
        .isEqualTo(JournalDatabase.Dialect.H2);
  }

  @Test
  void anyOtherDatabaseIsRefusedWithTheUrlsThatWork() {
    assertThatThrownBy(() -> JournalDatabase.of("jdbc:mysql://db/lattice", "u", "p"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:postgresql:");
  }

  @Test
  void theUrlShownInLogsHasNoParameters() {
    assertThat(
            JournalDatabase.of("jdbc:postgresql://db/lattice?password=secret", "u", "")
                .displayUrl())
        .isEqualTo("jdbc:postgresql://db/lattice");
  }
}
