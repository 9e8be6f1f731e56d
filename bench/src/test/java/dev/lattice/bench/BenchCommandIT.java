package dev.lattice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.orchestrator.cli.LatticeMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small bench run prints one summary line per workload with every figure it promises. */
class BenchCommandIT {
  @TempDir Path data;

  @Test
  void printsASummaryLinePerWorkload() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      exit =
          LatticeMain.run(
              "bench",
              "--workload",
              "W,W2",
              "--runs",
              "40",
              "--rounds",
              "2",
              "--concurrency",
              "4",
              "--warmup",
              "10",
              "--data",
              data.toString());
    } finally {
      System.setOut(original);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    original.print(output);
    assertThat(exit).isZero();
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
}
