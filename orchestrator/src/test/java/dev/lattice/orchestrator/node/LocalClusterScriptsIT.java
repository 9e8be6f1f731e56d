package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.cli.LatticeMain;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.protocol.json.LatticeJson;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/local/start.sh and stop.sh as documented: three nodes (a seed hosting the journal, an
 * orchestrator member, a worker member) that form one cluster, say where they listen, run work, and
 * stop. The scripts run the nodes with this build's classes instead of the fat jar, which is
 * packaged after these tests.
 */
class LocalClusterScriptsIT {
  private static final Path SCRIPTS = Path.of("..", "deploy", "local").toAbsolutePath().normalize();
  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(4);

  @TempDir Path directory;

  @Test
  void startsThreeNodesThatFormOneClusterAndStopsThem() throws Exception {
    int remoteBase = freeRange(3);
    int httpBase = freeRange(2);
    int journalPort = freeRange(1);
    Map<String, String> environment =
        Map.of(
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
      assertThat(started)
          .contains("seed: API http://127.0.0.1:" + httpBase)
          .contains("orch: API http://127.0.0.1:" + (httpBase + 1))
          .contains("worker: node pekko://lattice@127.0.0.1:" + (remoteBase + 2))
          .contains("journal: jdbc:h2:tcp://127.0.0.1:" + journalPort + "/lattice");

      String seed = "http://127.0.0.1:" + httpBase;
      Await.until(() -> membersUp(seed) == 3, Duration.ofSeconds(60));
      // Work started on the orchestrator member runs on the worker member's agents too.
      JsonNode accepted =
          post(
              "http://127.0.0.1:" + (httpBase + 1) + "/api/v1/execute",
              "{\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\",\"input\":{\"x\":1}}]}}");
      String run = accepted.get("runId").asText();
      Await.until(
          () -> "completed".equals(get(seed + "/api/v1/runs/" + run).path("status").asText()),
          Duration.ofSeconds(60));
    } finally {
      String stopped = run("stop.sh", environment);
      assertThat(stopped).contains("worker: stopped", "orch: stopped", "seed: stopped");
    }
    assertThat(Files.list(directory).filter(p -> p.toString().endsWith(".pid"))).isEmpty();
  }

  private int membersUp(String api) {
    JsonNode members = get(api + "/api/v1/state").path("cluster").path("members");
    return (int)
        StreamSupport.stream(members.spliterator(), false)
            .filter(m -> m.path("status").asText().equals("up"))
            .count();
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

  private static JsonNode get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
  }

  private static JsonNode post(String url, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private static JsonNode send(HttpRequest request) {
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
      return LatticeJson.mapper().readTree(response.body());
    } catch (IOException e) {
      return LatticeJson.mapper().createObjectNode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The first of {@code count} consecutive free ports, from a random place. */
  private static int freeRange(int count) throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(20_000, 60_000);
      if (List.of(0, 1, 2).subList(0, count).stream().allMatch(i -> free(base + i))) {
        return base;
      }
    }
    throw new IOException("no " + count + " consecutive free ports found");
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
