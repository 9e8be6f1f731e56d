package dev.lattice.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.testing.ChildJvm;
import dev.lattice.protocol.json.LatticeJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lattice model-server} as a user runs it: a process that serves and stops on SIGTERM. */
class ModelServerCommandIT {
  private static final Duration START = Duration.ofMinutes(1);

  @TempDir Path logs;

  @Test
  void servesTheExampleScriptOverOpenAisProtocolUntilStopped() throws Exception {
    try (ChildJvm server =
        ChildJvm.start(
            logs.resolve("model-server.log"),
            LatticeMain.class.getName(),
            List.of("-Xmx128m"),
            "model-server",
            "--port",
            "0")) {
      String line = server.awaitLine(l -> l.startsWith("Scripted model server on"), START);
      Matcher url = Pattern.compile("on (http://127\\.0\\.0\\.1:\\d+)").matcher(line);
      assertThat(url.find()).as(line).isTrue();

      HttpResponse<String> answer =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url.group(1) + "/v1/chat/completions"))
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"model\":\"scripted-model\",\"messages\":[{\"role\":\"user\","
                                  + "\"content\":\"Please summarise the change.\"}]}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      JsonNode body = LatticeJson.mapper().readTree(answer.body());
      assertThat(body.at("/choices/0/message/content").asText()).contains("retries");
      assertThat(body.at("/usage/completion_tokens").asInt()).isPositive();
      // The JVM reports a stop by SIGTERM as 143 (128 + 15).
      assertThat(server.terminate(START)).isIn(0, 143);
    }
  }

  @Test
  void aMissingScriptOrAnUnsetKeyVariableIsAClearErrorAndStartsNothing() {
    assertThat(run("model-server", "--script", logs.resolve("none.json").toString()))
        .isEqualTo(new Outcome(1, "lattice: no script file " + logs.resolve("none.json") + "\n"));
    String unset = "LATTICE_TEST_UNSET_" + System.nanoTime();
    assertThat(run("model-server", "--port", "0", "--api-key-env", unset))
        .isEqualTo(new Outcome(1, "lattice: the environment variable " + unset + " is not set\n"));
    assertThat(run("model-server", "--port", "70000").err())
        .isEqualTo("lattice: --port must be between 0 and 65535\n");
  }

  private record Outcome(int code, String err) {}

  private static Outcome run(String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = LatticeMain.run(args);
      return new Outcome(exit, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }
}
