package dev.lattice.orchestrator.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.orchestrator.testing.TestPki;
import dev.lattice.persistence.journal.JournalDatabase;
import dev.lattice.persistence.testing.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL journal over TLS, as docs/security.md tells an operator to set it up: the driver's
 * own parameters in {@code lattice.persistence.jdbc.url} ({@code sslmode=verify-full}, {@code
 * sslrootcert}). A node reaches a server whose certificate its authority signed, over TLS, and runs
 * work; given another authority, it does not start.
 */
class PostgresTlsIT {
  private static final String PLAN =
      "{\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\",\"input\":{\"x\":1}}]}}";

  @TempDir Path directory;

  @Test
  void aNodeReachesItsJournalOverVerifiedTlsAndRefusesAServerItCannotVerify() throws Exception {
    TestPki.Authority authority = TestPki.authority("Database CA");
    Path certificate = directory.resolve("postgres.crt");
    Path key = directory.resolve("postgres.key");
    authority.issue("postgres", "localhost", "127.0.0.1").writePem(certificate, key);
    Path rootCertificate = directory.resolve("ca.pem");
    authority.writeCertificate(rootCertificate);
    Path otherAuthority = directory.resolve("other-ca.pem");
    TestPki.authority("Some Other CA").writeCertificate(otherAuthority);

    try (EmbeddedPostgres postgres = EmbeddedPostgres.startWithTls(certificate, key)) {
      JournalDatabase database = postgres.createDatabase();
      String verified = database.url() + "?sslmode=verify-full&sslrootcert=" + rootCertificate;

      try (Connection connection =
              DriverManager.getConnection(verified, database.user(), database.password());
          Statement statement = connection.createStatement();
          ResultSet ssl =
              statement.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
        assertThat(ssl.next()).isTrue();
        assertThat(ssl.getBoolean(1)).as("the connection is encrypted").isTrue();
      }

      try (Lattice lattice =
          Lattice.builder()
              .dataDirectory(directory.resolve("data"))
              .config(journal(verified, database))
              .start()) {
        String api = LoopbackApi.start(lattice);
        HttpRuns client = new HttpRuns();
        String run = client.execute(api, PLAN, "postgres-tls-1");
        client.awaitRun(
            api, run, r -> r.path("status").asText().equals("completed"), Duration.ofSeconds(60));
      }

      String unverifiable = database.url() + "?sslmode=verify-full&sslrootcert=" + otherAuthority;
      assertThatThrownBy(
              () ->
                  Lattice.builder()
                      .dataDirectory(directory.resolve("other"))
                      .config(journal(unverifiable, database))
                      .start()
                      .close())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot open the journal");
    }
  }

  private static Config journal(String url, JournalDatabase database) {
    return ConfigFactory.empty()
        .withValue("lattice.persistence.jdbc.url", ConfigValueFactory.fromAnyRef(url))
        .withValue("lattice.persistence.jdbc.user", ConfigValueFactory.fromAnyRef(database.user()))
        .withValue(
            "lattice.persistence.jdbc.password",
            ConfigValueFactory.fromAnyRef(database.password()));
  }
}
