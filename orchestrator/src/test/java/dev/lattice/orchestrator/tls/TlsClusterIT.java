package dev.lattice.orchestrator.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.testing.LocalCluster;
import dev.lattice.orchestrator.testing.TestPki;
import dev.lattice.persistence.journal.SecretFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster of two JVMs over TLS, started as a user would ({@code lattice seed --journal-server
 * --cluster-key-store ...}, {@code lattice join ...}), with certificates of an authority made for
 * the test. The seed has the orchestrator role only and the member the worker role only, so every
 * step of a run crosses remoting, which runs over TLS with mutual authentication; the member
 * reaches the seed's journal server over TLS. A third node whose certificate comes from another
 * authority is refused: it never becomes a member. A plain (non-TLS) client of the journal server
 * gets nothing.
 */
class TlsClusterIT {
  private static final String PASSWORD = "cluster-store-password";
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  /** How long the refused node tries to join before it gives up and exits. */
  private static final String ROGUE_START_TIMEOUT = "-Dlattice.node.start-timeout=20s";

  private static final Duration ROGUE_EXIT_BOUND = Duration.ofSeconds(90);

  private static final String PLAN =
      "{\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\",\"input\":{\"x\":1}},"
          + "{\"id\":\"b\",\"capability\":\"echo\",\"dependsOn\":[\"a\"]},"
          + "{\"id\":\"c\",\"capability\":\"echo\",\"dependsOn\":[\"a\"]}]}}";

  @TempDir Path directory;

  @Test
  void twoNodesFormAClusterOverTlsRunAPlanAcrossItAndRefuseAnUntrustedNode() throws Exception {
    Path passwordFile = Files.writeString(directory.resolve("stores.password"), PASSWORD + "\n");
    TestPki.Authority authority = TestPki.authority("Lattice Cluster CA");
    Path trustStore = directory.resolve("truststore.p12");
    authority.writeTrustStore(trustStore, PASSWORD);
    Path seedStore = keyStore(authority, "seed");
    Path memberStore = keyStore(authority, "b");
    // Its own certificate is from an authority the cluster does not trust; it trusts the cluster's.
    Path rogueStore = keyStore(TestPki.authority("Some Other CA"), "rogue");

    LocalCluster cluster =
        LocalCluster.startSeed(
            directory.resolve("nodes"), "orchestrator", tls(seedStore, trustStore, passwordFile));
    try (cluster) {
      assertThat(cluster.journalUrl()).startsWith("jdbc:h2:ssl://");
      assertThat(cluster.node("seed").jvm().lines())
          .anyMatch(line -> line.startsWith("journal server: jdbc:h2:ssl://"));

      cluster.join("b", "worker", tls(memberStore, trustStore, passwordFile), List.of());
      cluster.awaitUp("b");

      String api = cluster.node("seed").api();
      HttpRuns client = new HttpRuns();
      assertThat(membersUp(client, api)).isEqualTo(2);
      // The seed hosts no agent: every step runs on the member, across TLS remoting, once the
      // seed's directory has learnt the member's agents (gossip follows the join).
      Await.until(() -> agentsSeen(client, api).contains("\"b.echo"), Duration.ofSeconds(30));
      String run = client.execute(api, PLAN, "tls-cluster-1");
      JsonNode done =
          client.awaitRun(
              api, run, r -> r.path("status").asText().equals("completed"), RUN_TIMEOUT);
      assertThat(done.path("steps")).hasSize(3);

      LocalCluster.Node rogue =
          cluster.join(
              "rogue",
              "worker",
              tls(rogueStore, trustStore, passwordFile),
              List.of(ROGUE_START_TIMEOUT));
      assertThat(rogue.jvm().process().waitFor(ROGUE_EXIT_BOUND.toSeconds(), TimeUnit.SECONDS))
          .as("the refused node gives up joining")
          .isTrue();
      assertThat(rogue.jvm().process().exitValue()).isNotZero();
      assertThat(rogue.jvm().lines()).noneMatch(line -> line.startsWith("lattice is up"));
      // The seed refused its certificate in the TLS handshake.
      assertThat(String.join("\n", rogue.jvm().lines()) + Files.readString(rogue.log()))
          .contains("bad_certificate");
      assertThat(membersUp(client, api)).isEqualTo(2);
      assertThat(client.state(api).toString()).doesNotContain("rogue");

      assertPlainClientsOfTheJournalGetNothing(cluster);
    }
  }

  /**
   * A client without TLS cannot talk to the journal server, even with the member's password: the
   * server expects a TLS handshake first.
   */
  private static void assertPlainClientsOfTheJournalGetNothing(LocalCluster cluster)
      throws Exception {
    String plainUrl = cluster.journalUrl().replace("jdbc:h2:ssl://", "jdbc:h2:tcp://");
    String password = SecretFile.read(cluster.journalPasswordFile());
    CompletableFuture<Void> attempt =
        CompletableFuture.runAsync(
            () -> {
              try {
                DriverManager.getConnection(plainUrl, LocalCluster.JOURNAL_USER, password).close();
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            });
    assertThatThrownBy(() -> attempt.get(60, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .cause()
        .isInstanceOf(SQLException.class);
  }

  private Path keyStore(TestPki.Authority authority, String node) {
    Path file = directory.resolve(node + ".p12");
    authority.issue(node, "localhost", "127.0.0.1").writeKeyStore(file, PASSWORD);
    return file;
  }

  private static List<String> tls(Path keyStore, Path trustStore, Path passwordFile) {
    return List.of(
        "--cluster-key-store",
        keyStore.toString(),
        "--cluster-trust-store",
        trustStore.toString(),
        "--cluster-password-file",
        passwordFile.toString());
  }

  private static String agentsSeen(HttpRuns client, String api) {
    try {
      return client.get(api + "/api/v1/agents").toString();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static long membersUp(HttpRuns client, String api) throws Exception {
    JsonNode members = client.state(api).path("cluster").path("members");
    return StreamSupport.stream(members.spliterator(), false)
        .filter(m -> m.path("status").asText().equals("up"))
        .count();
  }
}
