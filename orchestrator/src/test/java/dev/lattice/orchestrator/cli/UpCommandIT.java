package dev.lattice.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.orchestrator.testing.ChildJvm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lattice up} as a user runs it: a process that starts, serves and stops on SIGTERM. */
class UpCommandIT {
  @TempDir Path data;
  @TempDir Path logs;

  private ChildJvm up(String name) throws Exception {
    return ChildJvm.start(
        logs.resolve(name + ".log"),
        LatticeMain.class.getName(),
        List.of("-Xmx256m"),
        "up",
        "--data",
        data.toString(),
        "--http",
        "127.0.0.1:0");
  }

  @Test
  void startsOnTheDataDirectoryAndStopsCleanlyOnSigterm() throws Exception {
    try (ChildJvm node = up("first")) {
      String up = node.awaitLine(l -> l.startsWith("lattice is up"), Duration.ofMinutes(1));
      assertThat(up).contains("roles [orchestrator, worker]").contains(data.toString());
      Matcher api = Pattern.compile("API (http://127\\.0\\.0\\.1:\\d+)").matcher(up);
      assertThat(api.find()).as(up).isTrue();
      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(api.group(1) + "/health")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(Files.exists(data.resolve("lattice.mv.db"))).isTrue();

      // A second node cannot share the embedded journal, and says so.
      try (ChildJvm second = up("second")) {
        assertThat(second.process().waitFor()).isEqualTo(1);
        assertThat(Files.readString(logs.resolve("second.log")))
            .contains(
                "another process (probably another Lattice node) has this data directory open");
      }

      // The JVM reports a stop by SIGTERM as 143 (128 + 15); "lattice stopped" is printed only
      // after coordinated shutdown closed the journal.
      assertThat(node.terminate(Duration.ofSeconds(30))).isEqualTo(143);
      assertThat(node.lines()).contains("lattice stopped");
    }
    // The journal was closed properly: a new node opens it again.
    try (ChildJvm again = up("again")) {
      again.awaitLine(l -> l.startsWith("lattice is up"), Duration.ofMinutes(1));
      assertThat(again.terminate(Duration.ofSeconds(30))).isEqualTo(143);
    }
  }
}
