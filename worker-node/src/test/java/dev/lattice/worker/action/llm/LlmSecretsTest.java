package dev.lattice.worker.action.llm;

import static dev.lattice.worker.action.llm.LlmCalls.KEY;
import static dev.lattice.worker.action.llm.LlmCalls.context;
import static dev.lattice.worker.action.llm.LlmCalls.failure;
import static dev.lattice.worker.action.llm.LlmCalls.request;
import static dev.lattice.worker.action.llm.LlmCalls.run;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lattice.modelserver.ModelServerSettings;
import dev.lattice.modelserver.RecordedRequest;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Fault;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Streaming;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.Heartbeats;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The API key reaches the provider and nothing else: not the step's output, not an error message,
 * not a log line, not the settings' {@code toString()}.
 */
class LlmSecretsTest {
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private Level rootLevel;

  @BeforeEach
  void captureLogs() {
    rootLevel = root.getLevel();
    // Everything, Pekko's and pekko-http's debug output included, while the calls are made.
    root.setLevel(Level.DEBUG);
    ((Logger) LoggerFactory.getLogger("org.apache.pekko")).setLevel(Level.DEBUG);
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void restoreLogs() {
    root.detachAppender(logs);
    root.setLevel(rootLevel);
    ((Logger) LoggerFactory.getLogger("org.apache.pekko")).setLevel(Level.WARN);
  }

  @Test
  void theKeyIsSentButAppearsInNoOutputErrorLogOrSettings() {
    ActorTestKit testKit = ActorTestKit.create("llm-secrets");
    List<String> seen = new ArrayList<>();
    try (ScriptedModelServer server =
        ScriptedModelServer.start(
            Script.of(
                ScriptEntry.text("fine").when(Match.contains("fine")),
                ScriptEntry.fault(Fault.rateLimited(1)).when(Match.contains("busy")),
                ScriptEntry.fault(Fault.status(500)).when(Match.contains("broken")),
                ScriptEntry.fault(Fault.contextLengthExceeded()).when(Match.contains("long")),
                ScriptEntry.text("a b c d")
                    .when(Match.contains("drop"))
                    .failing(Fault.disconnectAfterTokens(1))
                    .stream(Streaming.none().byWords()),
                ScriptEntry.text("not json").when(Match.contains("prose"))),
            ModelServerSettings.loopback().withApiKey(KEY))) {
      LlmSettings settings = LlmCalls.settings(server, "");
      LlmAction action = LlmCalls.action(settings);
      ActionContext context = context(testKit.system(), Heartbeats.NONE);

      for (String model : List.of("scripted-model", "claude-test")) {
        ActionResult ok =
            run(action, request("llm", "{'model': '" + model + "', 'prompt': 'fine'}"), context);
        seen.add(ok.output().toString());
        seen.add(ok.toString());
        for (String prompt : List.of("busy", "broken", "long", "prose")) {
          String schema = prompt.equals("prose") ? ", 'schema': {'type': 'object'}" : "";
          ActionException failure =
              failure(
                  action,
                  request(
                      "llm",
                      "{'model': '" + model + "', 'prompt': '" + prompt + "'" + schema + "}"),
                  context);
          seen.add(failure.toString());
          seen.add(String.valueOf(failure.getCause()));
        }
        ActionException cut =
            failure(
                action,
                request("llm", "{'model': '" + model + "', 'prompt': 'drop', 'stream': true}"),
                context);
        seen.add(cut.toString());
      }
      seen.add(settings.toString());
      settings.providers().values().forEach(p -> seen.add(p.toString()));

      assertThat(server.requests())
          .allSatisfy(
              sent ->
                  assertThat(
                          sent.header("authorization") != null
                              ? sent.header("authorization")
                              : sent.header("x-api-key"))
                      .isEqualTo(RecordedRequest.REDACTED));
    } finally {
      testKit.shutdownTestKit();
    }
    logs.list.forEach(
        event -> {
          seen.add(event.getFormattedMessage());
          if (event.getThrowableProxy() != null) {
            seen.add(event.getThrowableProxy().getMessage());
          }
        });

    assertThat(seen).hasSizeGreaterThan(20).noneMatch(text -> text.contains(KEY));
  }
}
