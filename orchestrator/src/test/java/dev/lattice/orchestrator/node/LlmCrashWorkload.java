package dev.lattice.orchestrator.node;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.RecordedRequest;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Streaming;
import dev.lattice.modelserver.script.Usage;
import dev.lattice.protocol.api.ExecuteRequest;
import java.net.URI;
import java.util.Collections;
import java.util.Optional;

/**
 * The runs of {@link LlmCrashIT}: each asks the model a quick question, then for a long answer
 * streamed slowly, so that a kill finds every first step finished and every second one streaming.
 */
final class LlmCrashWorkload {
  static final int RUNS = 20;
  static final String MODEL = "scripted-model";
  static final String QUICK = "quick";
  static final String SLOW = "slow";

  static final int SLOW_WORDS = 200;
  static final long TOKEN_DELAY_MS = 40;

  /** The scripted usage of each answer: what every step must count, once. */
  static final Usage QUICK_USAGE = Usage.of(40, 6);

  static final Usage SLOW_USAGE = Usage.of(90, 200);

  /** 200 words, one every 40 ms: each slow answer streams for eight seconds. */
  static final String SLOW_TEXT = String.join(" ", Collections.nCopies(SLOW_WORDS, "word"));

  private LlmCrashWorkload() {}

  static Script script() {
    return Script.of(
            ScriptEntry.text("A quick answer.").when(Match.contains(QUICK)).usage(QUICK_USAGE),
            ScriptEntry.text(SLOW_TEXT).when(Match.contains(SLOW)).usage(SLOW_USAGE).stream(
                Streaming.none().withTokenDelayMs(TOKEN_DELAY_MS).byWords()))
        .withModels(MODEL);
  }

  /** A node whose llm agent calls the scripted server at {@code models}, all 20 runs at once. */
  static Config nodeConfig(URI models) {
    return ConfigFactory.parseString(
        """
        lattice.llm.providers.local.base-url = "%s/v1"
        lattice.worker.agents = [{
          id = llm, action = llm, capabilities = [llm], models = ["%s"],
          max-concurrent = 32, priority = 0
        }]
        # A budget for the default tenant, so that its ledger counts what every step used.
        lattice.policy.tenants.default.budget { max-tokens = 100000000, period = 1d }
        """
            .formatted(models, MODEL));
  }

  /** Run {@code n}: its prompts name it, so the server's requests tell whose step they are. */
  static ExecuteRequest run(int n) {
    return ExecuteRequest.plan(
        plan(
            ("{'steps': [{'id': 'first', 'capability': 'llm', 'input': {'model': '%s',"
                    + " 'prompt': '%s question of run %d'}},"
                    + " {'id': 'second', 'capability': 'llm', 'dependsOn': ['first'],"
                    + " 'input': {'model': '%s', 'stream': true,"
                    + " 'prompt': '%s answer for run %d'}}]}")
                .formatted(MODEL, QUICK, n, MODEL, SLOW, n)),
        json("{}"));
  }

  /** The step of run {@code n} a request to the model server was for, if any. */
  static Optional<String> stepOf(RecordedRequest request, int n) {
    String body = request.body() == null ? "" : request.body().toString();
    if (body.contains(QUICK + " question of run " + n + "\"")) {
      return Optional.of("first");
    }
    if (body.contains(SLOW + " answer for run " + n + "\"")) {
      return Optional.of("second");
    }
    return Optional.empty();
  }
}
