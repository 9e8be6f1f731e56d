package dev.lattice.modelserver;

import static dev.lattice.modelserver.ModelClient.openAiBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelServerCommandTest {

  private static final String KEY = "sk-command-secret";

  @Test
  void parsesItsOptions() {
    Optional<ModelServerOptions> options =
        ModelServerCommand.parse(
            new String[] {
              "--script", "s.json", "--port", "0", "--host", "127.0.0.1", "--api-key-env", "K"
            },
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    assertThat(options)
        .hasValue(
            ModelServerOptions.defaults()
                .withScript(Path.of("s.json"))
                .withPort(0)
                .withHost("127.0.0.1")
                .withApiKeyEnv("K"));
  }

  @Test
  void refusesAnUnknownOptionOrABadPortSayingHow() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(err, true, StandardCharsets.UTF_8);

    assertThat(ModelServerCommand.parse(new String[] {"--verbose", "yes"}, print)).isEmpty();
    assertThat(ModelServerCommand.parse(new String[] {"--port", "high"}, print)).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("unknown option --verbose")
        .contains("usage:");
  }

  @Test
  void startsFromAScriptFileWithTheKeyFromTheEnvironmentAndNeverPrintsIt(@TempDir Path dir)
      throws Exception {
    Path script = dir.resolve("script.json");
    Files.writeString(script, "{\"entries\": [{\"text\": \"from the file\"}]}");
    ModelServerOptions options =
        ModelServerOptions.defaults().withScript(script).withPort(0).withApiKeyEnv("MODEL_KEY");

    try (ScriptedModelServer server = ModelServerCommand.start(options, Map.of("MODEL_KEY", KEY))) {
      ModelClient client = new ModelClient(server);
      assertThat(client.send(client.openAi(openAiBody("m", "a", false))).statusCode())
          .isEqualTo(401);
      String answer =
          client
              .send(
                  client
                      .openAi(openAiBody("m", "a", false))
                      .header("Authorization", "Bearer " + KEY))
              .body();
      assertThat(answer).contains("from the file");
      String line = ModelServerCommand.describe(server, options);
      assertThat(line)
          .contains(server.baseUrl().toString())
          .contains("OpenAI")
          .contains("Anthropic")
          .doesNotContain(KEY);
    }
  }

  @Test
  void refusesToStartWhenTheKeysVariableIsUnset() {
    ModelServerOptions options =
        ModelServerOptions.defaults().withPort(0).withApiKeyEnv("UNSET_KEY");

    assertThatThrownBy(() -> ModelServerCommand.start(options, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("UNSET_KEY");
  }
}
