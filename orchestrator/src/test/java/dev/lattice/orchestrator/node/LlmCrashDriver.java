package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.testing.Await;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The node of {@link LlmCrashIT}, in its own JVM so that the test can kill it with SIGKILL. Starts
 * the {@link LlmCrashWorkload}'s runs against the model server the test runs, prints {@code ACK n
 * runId} for each, then idles until it is killed.
 */
public final class LlmCrashDriver {
  private static final Duration ACK_DEADLINE = Duration.ofSeconds(60);

  private LlmCrashDriver() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    URI models = URI.create(args[1]);
    Lattice lattice =
        Lattice.builder().dataDirectory(data).config(LlmCrashWorkload.nodeConfig(models)).start();
    for (int n = 0; n < LlmCrashWorkload.RUNS; n++) {
      var accepted = Await.result(lattice.client().execute(LlmCrashWorkload.run(n)), ACK_DEADLINE);
      System.out.println("ACK " + n + " " + accepted.runId().value());
      System.out.flush();
    }
    // Stay up, steps streaming, until the test kills this JVM.
    new CountDownLatch(1).await();
  }
}
