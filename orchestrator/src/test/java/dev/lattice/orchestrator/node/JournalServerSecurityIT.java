package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.testing.LocalCluster;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal server of {@code lattice seed --journal-server}, attacked from outside: a seed (a
 * child JVM started as a user would) and a member on it. Nobody gets in as {@code sa} with an empty
 * password, the member user can touch rows but cannot create tables or functions (the way to run
 * Java in the seed's JVM), no client can create a database, the server listens on the seed's
 * address only, and the generated passwords stay in owner-only files, out of logs and answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JournalServerSecurityIT {
  /** A loopback address other than the one the seed binds: on Linux all of 127/8 reaches lo. */
  private static final String OTHER_LOOPBACK = "127.0.0.2";

  private static final String ROW =
      "INSERT INTO \"lattice_run_index\" (\"run_id\", \"tenant\", \"status\", \"created_at\","
          + " \"updated_at\") VALUES ('probe', 'default', 'queued', CURRENT_TIMESTAMP,"
          + " CURRENT_TIMESTAMP)";

  private LocalCluster cluster;

  @BeforeAll
  void startSeedAndMember(@TempDir Path directory) throws IOException {
    cluster = LocalCluster.startSeed(directory);
    try {
      cluster.join("member", "worker");
      cluster.awaitUp("member");
    } catch (IOException | RuntimeException | Error e) {
      cluster.closeAfter(e);
      throw e;
    }
  }

  @AfterAll
  void stop() throws InterruptedException {
    cluster.close();
  }

  @Test
  void refusesTheAdministratorWithAnEmptyPassword() {
    assertThatThrownBy(() -> DriverManager.getConnection(cluster.journalUrl(), "sa", "").close())
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(28000));
  }

  @Test
  void letsTheMemberUserWriteRowsButNotCreateTablesOrFunctions() throws Exception {
    try (Connection member = member(cluster.journalUrl());
        Statement statement = member.createStatement()) {
      assertThat(statement.executeUpdate(ROW)).isEqualTo(1);
      assertThat(
              statement.executeUpdate(
                  "UPDATE \"lattice_run_index\" SET \"status\" = 'running'"
                      + " WHERE \"run_id\" = 'probe'"))
          .isEqualTo(1);
      try (ResultSet rows =
          statement.executeQuery("SELECT COUNT(*) FROM \"event_journal\" WHERE 1 = 0")) {
        assertThat(rows.next()).isTrue();
      }
      assertThat(
              statement.executeUpdate(
                  "DELETE FROM \"lattice_run_index\" WHERE \"run_id\" = 'probe'"))
          .isEqualTo(1);

      assertThatThrownBy(
              () ->
                  statement.execute(
                      "CREATE ALIAS GET_PROPERTY FOR 'java.lang.System.getProperty(java.lang.String)'"))
          .isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> statement.execute("CREATE TABLE \"intruder\" (\"i\" INT)"))
          .isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> statement.execute("DROP TABLE \"event_journal\""))
          .isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> statement.execute("DELETE FROM \"lattice_schema_history\""))
          .isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> statement.execute("CREATE USER INTRUDER PASSWORD 'x' ADMIN"))
          .isInstanceOf(SQLException.class);
    }
  }

  @Test
  void createsNoDatabaseForAClient() {
    String other = "jdbc:h2:tcp://127.0.0.1:" + cluster.journalPort() + "/other";
    assertThatThrownBy(() -> DriverManager.getConnection(other, "sa", "").close())
        .isInstanceOf(SQLException.class);
    assertThatThrownBy(() -> member(other).close()).isInstanceOf(SQLException.class);
    assertThat(cluster.seedData().resolve("other.mv.db")).doesNotExist();
  }

  @Test
  void listensOnTheSeedsAddressOnly() throws IOException {
    assumeTrue(reachesEveryLocalInterface(), OTHER_LOOPBACK + " is not a local address here");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", cluster.journalPort()), 5_000);
    }
    assertThatThrownBy(
            () -> {
              try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(OTHER_LOOPBACK, cluster.journalPort()), 5_000);
              }
            })
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void keepsThePasswordsInOwnerOnlyFiles() throws IOException {
    for (String file : List.of("journal-admin.password", "journal-member.password")) {
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(cluster.seedData().resolve(file))))
          .as(file)
          .isEqualTo("rw-------");
    }
  }

  @Test
  void keepsThePasswordsOutOfLogsAndAnswers() throws Exception {
    List<String> passwords = new ArrayList<>();
    for (String file : List.of("journal-admin.password", "journal-member.password")) {
      passwords.add(Files.readString(cluster.seedData().resolve(file)).strip());
    }
    LocalCluster.Node seed = cluster.node("seed");
    String state = new HttpRuns().state(seed.api()).toString();
    List<String> seen = new ArrayList<>(List.of(state));
    for (String name : List.of("seed", "member")) {
      LocalCluster.Node node = cluster.node(name);
      seen.addAll(node.jvm().lines());
      seen.add(Files.readString(node.log(), StandardCharsets.UTF_8));
    }
    // The seed says where the member password is, and the member did come up with it.
    assertThat(String.join("\n", seed.jvm().lines()))
        .contains("user lattice, password in " + cluster.journalPasswordFile());
    for (String password : passwords) {
      assertThat(password).hasSizeGreaterThan(20);
      assertThat(seen).noneMatch(text -> text.contains(password));
    }
  }

  private Connection member(String url) throws SQLException {
    try {
      return DriverManager.getConnection(
          url, LocalCluster.JOURNAL_USER, Files.readString(cluster.journalPasswordFile()).strip());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether a server on every interface is reachable at {@link #OTHER_LOOPBACK}. */
  private static boolean reachesEveryLocalInterface() {
    try (ServerSocket wildcard = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"));
        Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(OTHER_LOOPBACK, wildcard.getLocalPort()), 5_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
