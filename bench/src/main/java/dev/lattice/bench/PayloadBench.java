package dev.lattice.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Workload P: what a conversation costs the journal. One run of N llm steps in a chain, each step
 * getting every earlier question and answer as its messages (so step k's input holds k-1 answers)
 * from the scripted model server over HTTP, which answers each step with its own text of a given
 * size. Measured after the run: the bytes of the journal's event rows and of the payload table,
 * once with large payloads stored apart (lattice.persistence.payloads.inline-max-bytes at its
 * default) and once with everything written whole (that setting far above any event), for N and its
 * doublings.
 */
final class PayloadBench {
  /** The llm agent's model, and the one the scripted server answers as. */
  private static final String MODEL = "scripted-model";

  /** An inline limit no event reaches: every event is written whole. */
  private static final String WHOLE = "1GiB";

  /** The llm agent's slots: the conversation runs one step at a time. */
  private static final int AGENT_SLOTS = 8;

  private static final long RUN_TIMEOUT_MINUTES = 10;

  private PayloadBench() {}

  /** Bytes a run left in the journal. */
  record Footprint(
      int steps,
      boolean store,
      long eventRows,
      long eventBytes,
      long payloadRows,
      long payloadBytes,
      double seconds) {
    long total() {
      return eventBytes + payloadBytes;
    }
  }

  static String run(Path root, List<Integer> stepCounts, int answerBytes, PrintStream out)
      throws Exception {
    out.printf(
        "%n== workload P: one run of N chained llm steps, each answered with %d bytes and given"
            + " every earlier answer as input; N = %s%n",
        answerBytes, stepCounts);
    List<Footprint> results = new ArrayList<>();
    for (boolean store : List.of(true, false)) {
      for (int steps : stepCounts) {
        Path directory =
            Files.createDirectories(
                root.resolve(
                    "payloads-" + (store ? "store-" : "whole-") + steps + "-" + results.size()));
        Footprint f = measure(directory, steps, answerBytes, store);
        results.add(f);
        out.printf(
            Locale.ROOT,
            "%-28s steps %4d: event rows %5d, %,12d bytes; payload rows %4d, %,12d bytes;"
                + " total %,12d bytes (%.1f s)%n",
            store ? "store (inline-max 64 KiB)" : "whole (inline-max " + WHOLE + ")",
            f.steps(),
            f.eventRows(),
            f.eventBytes(),
            f.payloadRows(),
            f.payloadBytes(),
            f.total(),
            f.seconds());
      }
    }
    List<String> summary = new ArrayList<>();
    for (Footprint f : results) {
      summary.add(
          String.format(
              Locale.ROOT, "%s_%d_bytes=%d", f.store() ? "store" : "whole", f.steps(), f.total()));
    }
    for (boolean store : List.of(true, false)) {
      List<Footprint> mode = results.stream().filter(f -> f.store() == store).toList();
      for (int i = 1; i < mode.size(); i++) {
        summary.add(
            String.format(
                Locale.ROOT,
                "%s_growth_%d_to_%d=%.2f",
                store ? "store" : "whole",
                mode.get(i - 1).steps(),
                mode.get(i).steps(),
                mode.get(i).total() / (double) mode.get(i - 1).total()));
      }
    }
    return "workload=P answer_bytes=" + answerBytes + " " + String.join(" ", summary);
  }

  private static Footprint measure(Path directory, int steps, int answerBytes, boolean store)
      throws Exception {
    List<ScriptEntry> answers = new ArrayList<>();
    for (int k = 1; k <= steps; k++) {
      answers.add(ScriptEntry.text(answer(k, answerBytes)).when(Match.contains(question(k))));
    }
    String url;
    double seconds;
    try (ScriptedModelServer models =
            ScriptedModelServer.start(
                Script.of(answers.toArray(ScriptEntry[]::new)).withModels(MODEL));
        Lattice node = start(directory, models, store)) {
      long started = System.nanoTime();
      RunId runId =
          node.client()
              .execute(
                  ExecuteRequest.plan(conversation(steps), JsonNodeFactory.instance.objectNode()))
              .toCompletableFuture()
              .get(1, TimeUnit.MINUTES)
              .runId();
      RunView done =
          node.client()
              .awaitTerminal(runId)
              .toCompletableFuture()
              .get(RUN_TIMEOUT_MINUTES, TimeUnit.MINUTES);
      seconds = (System.nanoTime() - started) / 1e9;
      if (done.status() != RunStatus.COMPLETED) {
        throw new IllegalStateException("the conversation ended " + done.status() + ": " + done);
      }
      url = BenchCommand.urlOf(node);
    }
    // Measured once the node has stopped: the agent's and the dispatcher's last records, written
    // shortly after the run ends, count too.
    long[] events =
        sizes(
            url,
            "select count(*), coalesce(sum(octet_length(\"event_payload\")), 0)"
                + " from \"event_journal\"");
    long[] payloads =
        sizes(
            url,
            "select count(*), coalesce(sum(octet_length(\"content\")), 0)"
                + " from \"lattice_payload\"");
    return new Footprint(steps, store, events[0], events[1], payloads[0], payloads[1], seconds);
  }

  private static Lattice start(Path directory, ScriptedModelServer models, boolean store) {
    return Lattice.builder()
        .dataDirectory(directory)
        .config(
            ConfigFactory.parseString(
                    """
                    # The last steps' inputs hold about steps x answer bytes.
                    lattice.payload.max-size = 8MiB
                    lattice.persistence.payloads.inline-max-bytes = %s
                    """
                        .formatted(store ? "64KiB" : WHOLE))
                .withFallback(LlmScript.llmAgent(models.baseUrl(), MODEL, AGENT_SLOTS)))
        .start();
  }

  /** N chained steps; step k's messages are every earlier question and answer, then its own. */
  static PlanSpec conversation(int steps) {
    List<StepSpec> plan = new ArrayList<>();
    for (int k = 1; k <= steps; k++) {
      ObjectNode input = JsonNodeFactory.instance.objectNode().put("model", MODEL);
      ArrayNode messages = input.putArray("messages");
      for (int j = 1; j < k; j++) {
        messages.addObject().put("role", "user").put("content", question(j));
        messages
            .addObject()
            .put("role", "assistant")
            .put("content", "${steps." + stepId(j) + ".output.text}");
      }
      messages.addObject().put("role", "user").put("content", question(k));
      plan.add(
          k == 1
              ? StepSpec.agent(stepId(k), "llm", input)
              : StepSpec.agent(stepId(k), "llm", input, stepId(k - 1)));
    }
    return new PlanSpec(plan, null);
  }

  private static String stepId(int k) {
    return "s" + k;
  }

  private static String question(int k) {
    return "[question " + k + "]";
  }

  /** The k-th answer: its own text of {@code bytes} ASCII characters. */
  static String answer(int k, int bytes) {
    StringBuilder text = new StringBuilder(bytes);
    text.append("Answer ").append(k).append(':');
    int word = 0;
    while (text.length() < bytes) {
      text.append(' ').append(Integer.toString(k * 7919 + word++, 36));
    }
    text.setLength(bytes);
    return text.toString();
  }

  private static long[] sizes(String url, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    }
  }
}
