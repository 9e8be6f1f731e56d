package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The node of {@link SubPlanCrashIT}, in its own JVM so that the test can kill it with SIGKILL:
 * starts the {@link SubPlanCrashWorkload}'s map, loop and nested runs, prints {@code ACK map
 * runId}, {@code ACK loop runId} and {@code ACK nested runId}, then idles.
 */
public final class SubPlanCrashDriver {
  private static final Duration ACK_DEADLINE = Duration.ofSeconds(60);

  private SubPlanCrashDriver() {}

  public static void main(String[] args) throws Exception {
    Lattice lattice =
        SubPlanCrashWorkload.node(Path.of(args[0]), Path.of(args[1]), "first").start();
    var map = Await.result(lattice.client().execute(SubPlanCrashWorkload.map()), ACK_DEADLINE);
    System.out.println("ACK map " + map.runId().value());
    var loop = Await.result(lattice.client().execute(SubPlanCrashWorkload.loop()), ACK_DEADLINE);
    System.out.println("ACK loop " + loop.runId().value());
    var nested =
        Await.result(lattice.client().execute(SubPlanCrashWorkload.nested()), ACK_DEADLINE);
    System.out.println("ACK nested " + nested.runId().value());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
