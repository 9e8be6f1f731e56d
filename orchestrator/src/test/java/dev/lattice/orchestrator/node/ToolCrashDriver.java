package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.testing.Await;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The node of {@link ToolCrashIT}, in its own JVM so that the test can kill it with SIGKILL: starts
 * the {@link ToolCrashWorkload}'s runs, prints {@code ACK n runId} for each, then idles.
 */
public final class ToolCrashDriver {
  private static final Duration ACK_DEADLINE = Duration.ofSeconds(60);

  private ToolCrashDriver() {}

  public static void main(String[] args) throws Exception {
    Lattice lattice =
        Lattice.builder()
            .dataDirectory(Path.of(args[0]))
            .config(ToolCrashWorkload.nodeConfig(URI.create(args[1])))
            .start();
    for (int n = 0; n < ToolCrashWorkload.RUNS; n++) {
      var accepted = Await.result(lattice.client().execute(ToolCrashWorkload.run(n)), ACK_DEADLINE);
      System.out.println("ACK " + n + " " + accepted.runId().value());
      System.out.flush();
    }
    new CountDownLatch(1).await();
  }
}
