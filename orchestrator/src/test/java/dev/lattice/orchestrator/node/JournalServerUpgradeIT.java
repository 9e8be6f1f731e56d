package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import dev.lattice.orchestrator.cli.LatticeMain;
import dev.lattice.orchestrator.testing.ChildJvm;
import dev.lattice.orchestrator.testing.LocalCluster;
import dev.lattice.persistence.journal.JournalDatabase;
import dev.lattice.persistence.journal.SchemaMigrations;
import dev.lattice.persistence.testing.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seed's journal server on data from before it had passwords, and a member on a journal whose
 * schema nobody migrated.
 */
class JournalServerUpgradeIT {
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path directory;

  /**
   * A data directory whose journal was created with {@code SA} and an empty password (as every seed
   * and {@code lattice up} did before): the seed's next start gives it passwords and keeps its
   * data, which members then reach as the member user.
   */
  @Test
  void givesAJournalFromBeforePasswordsItsPasswordsAndKeepsItsData() throws Exception {
    Config defaults = Lattice.defaultConfig();
    JournalDatabase legacy =
        JournalDatabase.h2File(
            directory.resolve("seed"),
            defaults.getString("lattice.persistence.h2.file-name"),
            defaults.getString("lattice.persistence.h2.options"));
    SchemaMigrations.migrate(legacy);
    try (Connection connection = DriverManager.getConnection(legacy.url(), "sa", "");
        Statement statement = connection.createStatement()) {
      statement.executeUpdate(
          "INSERT INTO \"lattice_run_index\" (\"run_id\", \"tenant\", \"status\", \"created_at\","
              + " \"updated_at\") VALUES ('old-run', 'default', 'completed', CURRENT_TIMESTAMP,"
              + " CURRENT_TIMESTAMP)");
      // Releases the file for the seed.
      statement.execute("SHUTDOWN");
    }

    try (LocalCluster cluster = LocalCluster.startSeed(directory)) {
      assertThatThrownBy(() -> DriverManager.getConnection(cluster.journalUrl(), "sa", "").close())
          .isInstanceOf(SQLException.class);
      String password = Files.readString(cluster.journalPasswordFile()).strip();
      try (Connection member =
              DriverManager.getConnection(
                  cluster.journalUrl(), LocalCluster.JOURNAL_USER, password);
          Statement statement = member.createStatement();
          ResultSet rows =
              statement.executeQuery(
                  "SELECT \"status\" FROM \"lattice_run_index\" WHERE \"run_id\" = 'old-run'")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getString(1)).isEqualTo("completed");
      }
    }
  }

  /**
   * A member whose journal server's database has no schema (its seed did not migrate it) stops at
   * once and says why, instead of failing later on every write.
   */
  @Test
  void memberRefusesAJournalWithoutTheSchema() throws Exception {
    Path data = Files.createDirectories(directory.resolve("server"));
    String memberPassword = "member-password";
    String embedded = "jdbc:h2:file:" + data.resolve("lattice").toAbsolutePath();
    try (Connection admin = DriverManager.getConnection(embedded, "sa", "admin-password");
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE USER lattice PASSWORD '" + memberPassword + "'");
      statement.execute("SHUTDOWN");
    }
    Path passwordFile = directory.resolve("member.password");
    Files.writeString(passwordFile, memberPassword);
    int port = FreePorts.next();
    Path logs = Files.createDirectories(Path.of("target", "cluster-logs"));
    try (ChildJvm server =
        ChildJvm.start(
            logs.resolve(System.currentTimeMillis() + "-h2.log"),
            "org.h2.tools.Server",
            List.of("-Dh2.bindAddress=127.0.0.1"),
            "-tcp",
            "-tcpPort",
            Integer.toString(port),
            "-baseDir",
            data.toAbsolutePath().toString(),
            "-ifExists")) {
      server.awaitLine(line -> line.contains("TCP server running"), EXIT_TIMEOUT);
      Path memberLog = logs.resolve(System.currentTimeMillis() + "-unmigrated-member.log");
      try (ChildJvm member =
          ChildJvm.start(
              memberLog,
              LatticeMain.class.getName(),
              List.of("-Xmx256m"),
              "join",
              "--seed",
              "127.0.0.1:" + FreePorts.next(),
              "--journal",
              "jdbc:h2:tcp://127.0.0.1:" + port + "/lattice",
              "--journal-user",
              "lattice",
              "--journal-password-file",
              passwordFile.toString(),
              "--data",
              directory.resolve("member").toString())) {
        member.awaitEnd(EXIT_TIMEOUT);
        assertThat(member.process().waitFor()).isEqualTo(1);
        assertThat(Files.readString(memberLog, StandardCharsets.UTF_8))
            .contains("the journal's schema is not this version's");
      }
    }
  }
}
