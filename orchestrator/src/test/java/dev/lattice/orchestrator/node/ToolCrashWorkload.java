package dev.lattice.orchestrator.node;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Streaming;
import dev.lattice.modelserver.script.ToolCall;
import dev.lattice.protocol.api.ExecuteRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The work of {@link ToolCrashIT}: {@link #RUNS} runs, each one llm step in a 5-turn tool loop.
 * Each of its first four turns calls two tools at once, both the http action against the test's
 * counting server: {@code refund}, described as keyed (the server applies a key once), and {@code
 * note}, described as unsafe (the server counts every request). The fifth answers. Prompts and
 * request bodies name the run and the turn, so the scripted model server knows which turn it is.
 */
final class ToolCrashWorkload {
  static final int RUNS = 13;
  static final int TURNS = 5;
  static final String MODEL = "scripted-model";

  /** A model turn takes this long: the kill lands inside loops, not between them. */
  static final long MODEL_DELAY_MS = 120;

  private ToolCrashWorkload() {}

  static Config nodeConfig(URI models) {
    return ConfigFactory.parseString(
        """
        lattice.llm.providers.local.base-url = "%s/v1"
        lattice.http.allowed-hosts = ["127.0.0.1"]
        lattice.http.allowed-private-hosts = ["127.0.0.1"]
        lattice.worker.agents = [
          { id = llm, action = llm, capabilities = [llm], models = ["%s"], max-concurrent = 32 }
          { id = refund, action = http, capabilities = [refund], max-concurrent = 32 }
          { id = note, action = http, capabilities = [note], max-concurrent = 32 }
        ]
        lattice.worker.tools {
          refund { description = "Refunds an order (the target applies a key once)."
                   input-schema = { type = object }, effect = keyed }
          note { description = "Posts a note (the target keeps every one)."
                 input-schema = { type = object }, effect = unsafe }
        }
        """
            .formatted(models, MODEL));
  }

  static ExecuteRequest run(int n) {
    return ExecuteRequest.plan(
        plan(
            ("{'steps': [{'id': 'agent', 'capability': 'llm', 'tools': ['refund', 'note'],"
                    + " 'maxTurns': %d, 'input': {'model': '%s', 'prompt': 'Settle run-%d now.'}}]}")
                .formatted(TURNS, MODEL, n)),
        json("{}"));
  }

  /** The model: turn k of run n calls both tools with a body naming n and k; turn 5 answers. */
  static Script script(URI target) {
    List<ScriptEntry> entries = new ArrayList<>();
    Streaming slow = Streaming.none().withFirstTokenDelayMs(MODEL_DELAY_MS);
    for (int n = 0; n < RUNS; n++) {
      for (int turn = 1; turn <= TURNS; turn++) {
        Match match =
            turn == 1
                ? Match.contains("Settle run-" + n + " now.").andLastRole("user")
                : Match.regex("\"run\":" + n + ",\"turn\":" + (turn - 1) + "\\b")
                    .andLastRole("tool");
        ScriptEntry entry =
            turn == TURNS
                ? ScriptEntry.text("settled run-" + n)
                : ScriptEntry.toolCalls(
                    ToolCall.of("refund", call(target, "/refund", n, turn)),
                    ToolCall.of("note", call(target, "/note", n, turn)));
        entries.add(entry.when(match).stream(slow));
      }
    }
    return Script.of(entries.toArray(ScriptEntry[]::new)).withModels(MODEL);
  }

  private static ObjectNode call(URI target, String path, int n, int turn) {
    ObjectNode call = JsonNodeFactory.instance.objectNode();
    call.put("method", "POST").put("url", target.resolve(path).toString());
    call.putObject("body").put("run", n).put("turn", turn);
    return call;
  }
}
