package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.cli.LatticeMain;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.tls.KeyStores;
import dev.lattice.orchestrator.tls.SslContexts;
import dev.lattice.persistence.testing.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/local/start.sh and stop.sh as documented: three nodes (a seed hosting the journal, an
 * orchestrator member, a worker member) that form one cluster over TLS (remoting, journal server
 * and APIs, with the development certificates start.sh makes), say where they listen, run work, and
 * stop. The scripts run the nodes with this build's classes instead of the fat jar, which is
 * packaged after these tests.
 */
class LocalClusterScriptsIT {
  private static final Path SCRIPTS = Path.of("..", "deploy", "local").toAbsolutePath().normalize();
  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(4);

  @TempDir Path directory;

  @Test
  void startsThreeNodesThatFormOneClusterAndStopsThem() throws Exception {
    int remoteBase = FreePorts.range(3);
    int httpBase = FreePorts.range(2);
    int journalPort = FreePorts.next();
    Map<String, String> environment =
        Map.of(
            "KEYTOOL", Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "LATTICE_LOCAL_DIR", directory.toString(),
            "LATTICE_LOCAL_PORT_BASE", Integer.toString(remoteBase),
            "LATTICE_LOCAL_HTTP_BASE", Integer.toString(httpBase),
            "LATTICE_LOCAL_JOURNAL_PORT", Integer.toString(journalPort),
            "LATTICE_COMMAND",
                String.join(
                    " ",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    LatticeMain.class.getName()));
    try {
      String started = run("start.sh", environment);
      // Over TLS by default: remoting, the journal server and the APIs.
      assertThat(started)
          .contains("seed: API https://127.0.0.1:" + httpBase)
          .contains("orch: API https://127.0.0.1:" + (httpBase + 1))
          .contains("worker: node pekko://lattice@127.0.0.1:" + (remoteBase + 2))
          .contains("journal: jdbc:h2:ssl://127.0.0.1:" + journalPort + "/lattice");

      String seed = "https://127.0.0.1:" + httpBase;
      HttpRuns client =
          new HttpRuns(
              SslContexts.trusting(
                  KeyStores.trusted(directory.resolve("tls").resolve("ca.pem"), new char[0])));
      Await.until(() -> membersUp(client, seed) == 3, Duration.ofSeconds(60));
      // Work started on the orchestrator member runs on the worker member's agents too.
      String run =
          client.execute(
              "https://127.0.0.1:" + (httpBase + 1),
              "{\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\",\"input\":{\"x\":1}}]}}",
              "scripts-1");
      Await.until(() -> "completed".equals(status(client, seed, run)), Duration.ofSeconds(60));
      // Each node signs the audit heads it finds moved, all with the seed's key: the run's trail
      // and the policy chain (a row per node) verify through either API, every head signed.
      for (String api : List.of(seed, "https://127.0.0.1:" + (httpBase + 1))) {
        Await.until(
            () ->
                verifiedAndSigned(client, api, "/api/v1/runs/" + run + "/audit/verify")
                    && verifiedAndSigned(client, api, "/api/v1/audit/verify?chain=policy"),
            Duration.ofSeconds(60));
      }
    } finally {
      String stopped = run("stop.sh", environment);
      assertThat(stopped).contains("worker: stopped", "orch: stopped", "seed: stopped");
    }
    assertThat(Files.list(directory).filter(p -> p.toString().endsWith(".pid"))).isEmpty();
  }

  /** Whether the verification at {@code path} of {@code api} says intact, nothing unsigned. */
  private static boolean verifiedAndSigned(HttpRuns client, String api, String path) {
    try {
      JsonNode verified = client.get(api, path);
      return verified.path("intact").asBoolean() && verified.path("findings").isEmpty();
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Members Up as {@code api} sees them; none while it does not answer. */
  private static int membersUp(HttpRuns client, String api) {
    try {
      JsonNode members = client.state(api).path("cluster").path("members");
      return (int)
          StreamSupport.stream(members.spliterator(), false)
              .filter(m -> m.path("status").asText().equals("up"))
              .count();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String status(HttpRuns client, String api, String run) {
    try {
      return client.run(api, run).path("status").asText();
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String run(String script, Map<String, String> environment) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(SCRIPTS.resolve(script).toString()).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process = builder.start();
    if (!process.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(script + " did not finish within " + SCRIPT_TIMEOUT);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(script + " said: " + output).isZero();
    return output;
  }
}
