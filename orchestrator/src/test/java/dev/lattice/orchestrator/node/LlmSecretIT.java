package dev.lattice.orchestrator.node;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.ModelServerSettings;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.DataFiles;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider's API key, read from a file, goes to the provider and nowhere else: not into the
 * journal's files nor the run as the API shows it.
 */
class LlmSecretIT {
  private static final String KEY = "sk-lattice-test-5ecret-7f3a9c";

  @TempDir Path data;
  @TempDir Path secrets;

  @Test
  void theKeyReachesTheProviderButNotTheJournalNorTheRun() throws Exception {
    Path keyFile = Files.writeString(secrets.resolve("provider.key"), KEY + "\n");
    try (ScriptedModelServer models =
            ScriptedModelServer.start(
                Script.of(ScriptEntry.text("ok")), ModelServerSettings.loopback().withApiKey(KEY));
        Lattice lattice =
            Lattice.builder()
                .dataDirectory(data)
                .config(
                    ConfigFactory.parseString(
                        """
                        lattice.llm.providers.local.base-url = "%s/v1"
                        lattice.llm.providers.local.api-key-file = "%s"
                        """
                            .formatted(models.baseUrl(), keyFile)))
                .start()) {
      RunId runId =
          Await.result(
                  lattice
                      .client()
                      .execute(
                          ExecuteRequest.plan(
                              plan(
                                  "{'steps': [{'id': 'a', 'capability': 'llm', 'input':"
                                      + " {'model': 'scripted-model', 'prompt': 'hello'}}]}"),
                              json("{}"))))
              .runId();
      RunView done = Await.result(lattice.client().awaitTerminal(runId));

      assertThat(done.status()).as(String.valueOf(done.cause())).isEqualTo(RunStatus.COMPLETED);
      assertThat(models.requests()).hasSize(1);
      assertThat(LatticeJson.mapper().writeValueAsString(done)).doesNotContain(KEY);
    }
    // The node is closed: every journal file is written out. The files hold the step's text as
    // it was sent (so a key would show), and not the key.
    String written = DataFiles.allText(data);
    assertThat(written).contains("scripted-model").doesNotContain(KEY);
  }
}
