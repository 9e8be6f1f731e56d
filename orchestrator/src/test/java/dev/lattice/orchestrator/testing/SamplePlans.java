package dev.lattice.orchestrator.testing;

import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Usage;

/**
 * Execute requests of plans, and the model's script for them, that tests of what runs report
 * (metrics, traces) share.
 */
public final class SamplePlans {
  /** Prompt tokens the scripted model reports for each answer of {@link #summaries()}. */
  public static final int PROMPT_TOKENS = 120;

  /** Completion tokens it reports. */
  public static final int COMPLETION_TOKENS = 30;

  private static final int ANSWERS = 10;

  /** Three echo steps at once, then an llm step of the scripted model after all three. */
  public static final String FAN_OUT_THEN_LLM =
      """
      {"plan":{"steps":[
        {"id":"a","capability":"echo","input":{"text":"one"}},
        {"id":"b","capability":"echo","input":{"text":"two"}},
        {"id":"c","capability":"echo","input":{"text":"three"}},
        {"id":"ask","capability":"llm","dependsOn":["a","b","c"],
         "input":{"provider":"local","model":"scripted-model","prompt":"Sum up."}}]}}
      """;

  /** The scripted model's answers to {@link #FAN_OUT_THEN_LLM}'s llm step, with their usage. */
  public static Script summaries() {
    return Script.of(
            ScriptEntry.text("All three.")
                .usage(Usage.of(PROMPT_TOKENS, COMPLETION_TOKENS))
                .times(ANSWERS))
        .withModels("scripted-model");
  }

  private SamplePlans() {}
}
