package dev.lattice.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.RecordedRequest;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Streaming;
import dev.lattice.modelserver.script.Usage;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.StepSpec;
import java.net.URI;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Workload L's model, node and runs: what {@link LlmBench} measures against. */
final class LlmScript {
  static final int TOKENS = 100;
  static final long FIRST_TOKEN_MS = 20;
  static final long TOKEN_GAP_MS = 2;
  static final String HOLD = "hold";
  static final String HELD_STEP = "held";
  static final String LLM_STEP = "answer";
  static final String MODEL = "bench-model";
  private static final int PROMPT_TOKENS = 20;
  private static final String MARKER = "bench run ";
  private static final Pattern RUN = Pattern.compile(MARKER + "(\\d+)\\.");

  private LlmScript() {}

  /** One answer of {@link #TOKENS} words for every run, streamed a word at a time. */
  static Script script() {
    String words =
        IntStream.range(0, TOKENS).mapToObj(i -> "word" + i).collect(Collectors.joining(" "));
    return Script.of(
            ScriptEntry.text(words)
                .when(Match.contains(MARKER))
                .usage(Usage.of(PROMPT_TOKENS, TOKENS))
                .stream(
                    Streaming.none()
                        .withFirstTokenDelayMs(FIRST_TOKEN_MS)
                        .withTokenDelayMs(TOKEN_GAP_MS)
                        .byWords()))
        .withModels(MODEL);
  }

  /**
   * The node: its llm agent calls the server at {@code models} with room for twice the bench's
   * concurrency, in slots and in connections, so that neither queues a step.
   */
  static Config nodeConfig(URI models, int concurrency) {
    return llmAgent(models, MODEL, concurrency * 2);
  }

  /**
   * A node whose llm agent calls {@code model} on the scripted server at {@code models}, {@code
   * slots} calls at once (and as many connections).
   */
  static Config llmAgent(URI models, String model, int slots) {
    return ConfigFactory.parseString(
        """
        lattice.llm.providers.local { base-url = "%s/v1", models = ["%s"], max-connections = %d }
        lattice.worker.agents = [{
          id = llm, action = llm, capabilities = [llm], models = ["%s"],
          max-concurrent = %d, priority = 0
        }]
        """
            .formatted(models, model, slots, model, slots));
  }

  /** Runs of the held step alone: what a run costs without its LLM step. */
  static IntFunction<ExecuteRequest> heldOnly() {
    ExecuteRequest request =
        ExecuteRequest.plan(PlanSpec.of(StepSpec.agent(HELD_STEP, HOLD, null)), null);
    return n -> request;
  }

  /** Run {@code n}: the held step, then the streamed LLM step whose prompt names the run. */
  static ExecuteRequest llmRun(int n) {
    ObjectNode input =
        JsonNodeFactory.instance
            .objectNode()
            .put("model", MODEL)
            .put("stream", true)
            .put("prompt", "Write a hundred words for " + MARKER + n + ".");
    return ExecuteRequest.plan(
        PlanSpec.of(
            StepSpec.agent(HELD_STEP, HOLD, null),
            StepSpec.agent(LLM_STEP, "llm", input, HELD_STEP)),
        null);
  }

  /** The run a request to the model server was for, from its prompt. */
  static Optional<Integer> runOf(RecordedRequest request) {
    Matcher m = RUN.matcher(request.body() == null ? "" : request.body().toString());
    return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }
}
