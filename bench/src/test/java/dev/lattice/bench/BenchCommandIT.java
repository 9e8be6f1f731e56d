package dev.lattice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.orchestrator.cli.LatticeMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small bench run prints one summary line per workload with every figure it promises. */
class BenchCommandIT {
  @TempDir Path data;

  /** Runs {@code lattice bench} with {@code args}, checks it succeeded, and returns its output. */
  private static String bench(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      String[] command = new String[args.length + 1];
      command[0] = "bench";
      System.arraycopy(args, 0, command, 1, args.length);
      exit = LatticeMain.run(command);
    } finally {
      System.setOut(original);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    original.print(output);
    assertThat(exit).isZero();
    return output;
  }

  /**
   * {@code lattice bench} with {@code args} at concurrency 4 after exactly 10 warm-up runs (no
   * batches until the JIT is quiet), on this test's data directory.
   */
  private String smallBench(String... args) {
    String[] common = {
      "--concurrency", "4", "--warmup", "10", "--jit-settle-seconds", "0", "--data", data.toString()
    };
    String[] all = Arrays.copyOf(args, args.length + common.length);
    System.arraycopy(common, 0, all, args.length, common.length);
    return bench(all);
  }

  @Test
  void printsASummaryLinePerWorkload() {
    String output = smallBench("--workload", "W,W2", "--runs", "40", "--rounds", "2");
    assertThat(output.lines().filter(l -> l.startsWith("workload=")))
        .hasSize(2)
        .allSatisfy(
            line ->
                assertThat(line)
                    .matches(
                        "workload=W2? runs=40 concurrency=4 runs_per_s=\\d+ p50_ms=[\\d.]+"
                            + " p95_ms=[\\d.]+ p99_ms=[\\d.]+ rows_per_run=[\\d.]+"
                            + " floor_runs_per_s=\\d+ ratio=[\\d.]+ ceiling_rows_per_s=\\d+"));
    // The journal files are removed afterwards unless asked to keep them.
    assertThat(data.toFile().list()).isEmpty();
  }

  @Test
  void withPoliciesEveryStepPassesEveryPolicyAndIsSettledWithItsTenant() {
    String output = smallBench("--workload", "W", "--policies", "--runs", "20", "--rounds", "1");
    assertThat(output.lines().filter(l -> l.startsWith("workload=")))
        .singleElement()
        .satisfies(line -> assertThat(line).startsWith("workload=W policies=on runs=20 "));
    // 30 runs of 3 steps, each reporting 60 + 40 tokens (0.00014 USD at the bench's prices), all
    // reserved, priced and settled.
    assertThat(output).contains("policies: tenant default spent 9000 tokens, 0.01260 USD");
  }

  @Test
  void measuresLiveFollowersAndWhatIdleOnesCost() {
    String output =
        bench(
            "--workload",
            "F",
            "--followers",
            "20",
            "--runs",
            "10",
            "--warmup",
            "5",
            "--idle-seconds",
            "1",
            "--jit-settle-seconds",
            "0",
            "--data",
            data.toString());
    assertThat(output.lines().filter(l -> l.startsWith("workload=F")))
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .matches(
                        "workload=F followers=20 live_runs=10 live_events=\\d+ p50_ms=[\\d.]+"
                            + " p95_ms=[\\d.]+ p99_ms=[\\d.]+"
                            + " idle_followers_cpu_pct_of_core=[\\d.]+"
                            + " baseline_cpu_pct_of_core=[\\d.]+"));
    assertThat(data.toFile().list()).isEmpty();
  }

  @Test
  void measuresTheJournalBytesOfAConversationWithAndWithoutThePayloadStore() {
    String output =
        bench(
            "--workload",
            "P",
            "--steps",
            "4",
            "--answer-bytes",
            "70000",
            "--data",
            data.toString());
    assertThat(output.lines().filter(l -> l.startsWith("workload=P")))
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .matches(
                        "workload=P answer_bytes=70000 store_4_bytes=\\d+ whole_4_bytes=\\d+"));
    // Each 70 KB answer is over 64 KiB: with the store it is one row however many events hold it
    // (its step's, its agent's record, the later steps' inputs); whole, it is in every one.
    assertThat(figure(output, "store_4_bytes")).isLessThan(figure(output, "whole_4_bytes") / 2);
    assertThat(data.toFile().list()).isEmpty();
  }

  @Test
  void measuresStreamedLlmStepsWithTheirFollowers() {
    String output = smallBench("--workload", "L", "--runs", "20", "--followers-per-run", "2");
    assertThat(output.lines().filter(l -> l.startsWith("workload=L")))
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .matches(
                        "workload=L runs=20 concurrency=4 followers_per_run=2"
                            + " overhead_p50_ms=[\\d.]+ overhead_p99_ms=[\\d.]+"
                            + " delta_p50_ms=[\\d.]+ delta_p99_ms=[\\d.]+ deltas=[1-9]\\d*"
                            + " cpu_ms_per_1000_deltas=[\\d.]+ cpu_ms_per_1000_tokens=[\\d.]+"
                            + " journal_rows_per_llm_step=[\\d.]+"
                            + " journal_bytes_per_llm_step=\\d+"));
    // Every run's overhead was measured against the server's time for its own request.
    assertThat(output).doesNotContain("overhead per LLM step p50 0.00 ms");
    assertThat(data.toFile().list()).isEmpty();
  }

  private static long figure(String output, String name) {
    return output
        .lines()
        .filter(l -> l.startsWith("workload=P"))
        .flatMap(l -> Arrays.stream(l.split(" ")))
        .filter(part -> part.startsWith(name + "="))
        .mapToLong(part -> Long.parseLong(part.substring(name.length() + 1)))
        .findFirst()
        .orElseThrow();
  }
}
