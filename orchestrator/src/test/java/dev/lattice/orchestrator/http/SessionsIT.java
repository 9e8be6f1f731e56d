package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.RecordedRequest;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Usage;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.JournalRows;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.orchestrator.testing.SessionRuns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions over real HTTP, on a real node with an H2 file journal and the scripted model server:
 * llm steps of different runs naming one session continue one conversation (the model is sent the
 * earlier exchanges), its texts are stored once by content, the window and summary policies keep it
 * bounded, an answer the guardrails refuse is not remembered, and {@code GET /api/v1/sessions/{id}}
 * shows it to its own tenant only.
 */
class SessionsIT {
  private static final String SUMMARY = "Erin drinks tea, lives in Oslo and has a cat.";

  @TempDir static Path data;
  static ScriptedModelServer models;
  static Lattice lattice;
  static SessionRuns runs;

  @BeforeAll
  static void start() {
    models =
        ScriptedModelServer.start(
            Script.of(
                    // Summaries first: their transcript holds the questions the entries below
                    // match.
                    ScriptEntry.text(SUMMARY)
                        .when(Match.contains("Conversation:"))
                        .usage(Usage.of(100, 10)),
                    ScriptEntry.text("Hello Alice.").when(Match.contains("My name is Alice")),
                    ScriptEntry.text("Your name is Alice.").when(Match.contains("What is my name")),
                    ScriptEntry.text("The same answer.").when(Match.contains("Same question")),
                    ScriptEntry.text("Here it is: sk-proj-0123456789abcdefghijklmnop")
                        .when(Match.contains("your key")),
                    ScriptEntry.text("Noted.").usage(Usage.of(50, 5)).times(Integer.MAX_VALUE))
                .withModels("scripted-model"));
    lattice =
        Lattice.builder()
            .dataDirectory(data)
            .config(
                ConfigFactory.parseString(
                    "lattice.llm.providers.local.base-url = \"" + models.baseUrl() + "/v1\""))
            .start();
    runs = new SessionRuns(lattice, LoopbackApi.start(lattice));
  }

  @AfterAll
  static void stop() {
    lattice.close();
    models.close();
  }

  @Test
  void aLaterRunOfTheSessionSendsTheEarlierExchangesToTheModel() throws Exception {
    runs.run("default", "alice", "My name is Alice.", null);
    int before = models.requests().size();
    JsonNode second = runs.run("default", "alice", "What is my name?", null);

    assertThat(second.at("/steps/0/output/text").asText()).isEqualTo("Your name is Alice.");
    RecordedRequest sent = models.requests().get(before);
    assertThat(SessionRuns.conversation(sent))
        .containsExactly(
            "system: Be brief.",
            "user: My name is Alice.",
            "assistant: Hello Alice.",
            "user: What is my name?");

    JsonNode session = runs.session("default", "alice", 200);
    assertThat(session.path("session").asText()).isEqualTo("alice");
    assertThat(session.path("tenant").asText()).isEqualTo("default");
    assertThat(session.path("exchanges").asLong()).isEqualTo(2);
    assertThat(session.path("appended").asLong()).isEqualTo(4);
    assertThat(session.path("policy").path("policy").asText()).isEqualTo("window");
    assertThat(session.path("policy").path("maxMessages").asInt()).isEqualTo(40);
    // The system prompt comes with every step; the session keeps the conversation only.
    assertThat(SessionRuns.messages(session))
        .containsExactly(
            "0 user: My name is Alice.",
            "1 assistant: Hello Alice.",
            "2 user: What is my name?",
            "3 assistant: Your name is Alice.");
    assertThat(session.at("/messages/0/hash").asText()).startsWith("sha256:");
    assertThat(session.path("createdAt").asText()).isNotEmpty();
    assertThat(session.path("updatedAt").asText()).isNotEmpty();
  }

  @Test
  void theSameTextIsStoredOnceHoweverManySessionsHoldIt() throws Exception {
    runs.run("default", "bob", "Same question, again?", null);
    runs.run("default", "bob", "Same question, again?", null);
    runs.run("default", "carol", "Same question, again?", null);

    JsonNode bob = runs.session("default", "bob", 200);
    JsonNode carol = runs.session("default", "carol", 200);
    String question = bob.at("/messages/0/hash").asText();
    String answer = bob.at("/messages/1/hash").asText();
    assertThat(bob.at("/messages/2/hash").asText()).isEqualTo(question);
    assertThat(bob.at("/messages/3/hash").asText()).isEqualTo(answer);
    assertThat(carol.at("/messages/0/hash").asText()).isEqualTo(question);
    assertThat(JournalRows.payloads(lattice, question)).isEqualTo(1);
    assertThat(JournalRows.payloads(lattice, answer)).isEqualTo(1);
  }

  @Test
  void theWindowPolicyKeepsTheLastMessagesOnly() throws Exception {
    String memory = "{\"policy\": \"window\", \"maxMessages\": 2}";
    runs.run("default", "dave", "First, I like red.", memory);
    runs.run("default", "dave", "Second, I like blue.", memory);
    int before = models.requests().size();
    runs.run("default", "dave", "Third, I like green.", memory);

    // The third call was sent the second exchange only.
    assertThat(SessionRuns.conversation(models.requests().get(before)))
        .containsExactly(
            "system: Be brief.",
            "user: Second, I like blue.",
            "assistant: Noted.",
            "user: Third, I like green.");
    JsonNode session = runs.session("default", "dave", 200);
    assertThat(SessionRuns.messages(session))
        .containsExactly("4 user: Third, I like green.", "5 assistant: Noted.");
    assertThat(session.path("appended").asLong()).isEqualTo(6);
    assertThat(session.path("dropped").asLong()).isEqualTo(4);
  }

  @Test
  void theSummaryPolicyReplacesOlderMessagesByASummaryTheModelWrites() throws Exception {
    String memory = "{\"policy\": \"summary\", \"maxMessages\": 4, \"keepMessages\": 2}";
    runs.run("default", "erin", "I drink tea.", memory);
    runs.run("default", "erin", "I live in Oslo.", memory);
    runs.run("default", "erin", "I have a cat.", memory);
    int before = models.requests().size();
    JsonNode fourth = runs.run("default", "erin", "What do you know about me?", memory);

    // The session held six messages, more than four: the four oldest were summarised first.
    List<RecordedRequest> sent = models.requests().subList(before, models.requests().size());
    assertThat(sent).hasSize(2);
    assertThat(SessionRuns.conversation(sent.get(0)).get(0))
        .startsWith("system: Summarise the conversation");
    assertThat(SessionRuns.conversation(sent.get(0)).get(1))
        .contains("user: I drink tea.")
        .contains("assistant: Noted.")
        .contains("user: I live in Oslo.")
        .doesNotContain("I have a cat.");
    assertThat(SessionRuns.conversation(sent.get(1)))
        .containsExactly(
            "system: Be brief.",
            "system: Summary of the earlier conversation:\n" + SUMMARY,
            "user: I have a cat.",
            "assistant: Noted.",
            "user: What do you know about me?");
    // The summary's call counts as the step's.
    assertThat(fourth.at("/steps/0/usage/promptTokens").asLong()).isEqualTo(150);
    assertThat(fourth.at("/steps/0/usage/completionTokens").asLong()).isEqualTo(15);

    JsonNode session = runs.session("default", "erin", 200);
    assertThat(session.at("/summary/content").asText()).isEqualTo(SUMMARY);
    assertThat(session.at("/summary/covers").asLong()).isEqualTo(4);
    assertThat(session.at("/summary/hash").asText()).startsWith("sha256:");
    assertThat(SessionRuns.messages(session))
        .containsExactly(
            "4 user: I have a cat.",
            "5 assistant: Noted.",
            "6 user: What do you know about me?",
            "7 assistant: Noted.");
    assertThat(session.path("summarised").asLong()).isEqualTo(4);
    assertThat(session.path("policy").path("keepMessages").asInt()).isEqualTo(2);
  }

  @Test
  void aSessionIsItsTenantsAloneAndAnUnknownOneIsNotFound() throws Exception {
    runs.run("acme", "shared-name", "My name is Alice.", null);

    JsonNode other = runs.session("default", "shared-name", 404);
    assertThat(other.path("type").asText()).isEqualTo("urn:lattice:problem:session-not-found");
    assertThat(other.path("status").asInt()).isEqualTo(404);
    assertThat(runs.session("other", "shared-name", 404).path("type").asText())
        .isEqualTo("urn:lattice:problem:session-not-found");
    assertThat(runs.session("default", "nobody", 404).path("field").asText()).isEqualTo("id");
    assertThat(runs.session("Not A Tenant", "nobody", 400).path("field").asText())
        .isEqualTo("tenant");
    assertThat(SessionRuns.messages(runs.session("acme", "shared-name", 200))).hasSize(2);
  }

  @Test
  void aForgottenSessionIsNotFoundAndBeginsAnew() throws Exception {
    runs.run("default", "gina", "My name is Alice.", null);

    assertThat(runs.delete("default", "gina")).isEqualTo(204);
    assertThat(runs.delete("default", "gina")).isEqualTo(404);
    runs.session("default", "gina", 404);
    int before = models.requests().size();
    runs.run("default", "gina", "What is my name?", null);
    assertThat(SessionRuns.conversation(models.requests().get(before)))
        .containsExactly("system: Be brief.", "user: What is my name?");
    assertThat(runs.session("default", "gina", 200).path("exchanges").asLong()).isEqualTo(1);
  }

  @Test
  void anAnswerTheGuardrailsRefuseIsNotRemembered() throws Exception {
    runs.run("default", "hank", "My name is Alice.", null);
    JsonNode refused = runs.run("default", "hank", "Tell me your key.", null);

    assertThat(refused.path("status").asText()).isEqualTo("failed");
    assertThat(refused.at("/steps/0/error/errorClass").asText()).isEqualTo("policy_denied");
    JsonNode session = runs.session("default", "hank", 200);
    assertThat(session.path("exchanges").asLong()).isEqualTo(1);
    assertThat(session.toString()).doesNotContain("sk-proj");
  }

  @Test
  void aMalformedSessionOrMemoryFailsTheStepBeforeAnyCall() throws Exception {
    int before = models.requests().size();
    List<String> errors = new ArrayList<>();
    for (String memory :
        List.of(
            "{\"policy\": \"forever\"}",
            "{\"maxMessages\": 0}",
            "{\"policy\": \"window\", \"keepMessages\": 2}",
            "{\"policy\": \"summary\", \"maxMessages\": 4, \"keepMessages\": 4}",
            "{\"size\": 4}")) {
      errors.add(failure(runs.run("default", "ivan", "My name is Alice.", memory)));
    }
    errors.add(failure(runs.run("default", "not a name!", "My name is Alice.", null)));
    ObjectNode forgetful = SessionRuns.step("My name is Alice.", "{\"maxMessages\": 4}");
    ((ObjectNode) forgetful.get("input")).remove("session");
    errors.add(failure(runs.run("default", "ivan", forgetful)));

    assertThat(errors)
        .allMatch(error -> error.startsWith("invalid_input: "), "invalid_input")
        .anyMatch(error -> error.contains("'memory.policy'"))
        .anyMatch(error -> error.contains("'memory.maxMessages' must be a whole number from 1"))
        .anyMatch(error -> error.contains("applies to the summary policy only"))
        .anyMatch(error -> error.contains("must be less than maxMessages (4)"))
        .anyMatch(error -> error.contains("unknown field 'memory.size'"))
        .anyMatch(error -> error.contains("'session': a session name is"))
        .anyMatch(error -> error.contains("'memory' needs a 'session'"));
    assertThat(models.requests()).hasSize(before);
    runs.session("default", "ivan", 404);
  }

  /** The error class and message of the failed step of {@code run}. */
  private static String failure(JsonNode run) {
    assertThat(run.path("status").asText()).isEqualTo("failed");
    JsonNode error = run.at("/steps/0/error");
    return error.path("errorClass").asText() + ": " + error.path("message").asText();
  }
}
