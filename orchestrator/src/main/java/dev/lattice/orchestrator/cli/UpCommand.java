package dev.lattice.orchestrator.cli;

import dev.lattice.orchestrator.node.Lattice;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lattice up}: the embedded default, one node with both roles and an H2 file journal. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = "Start one node with both roles and an embedded H2 journal; stop with Ctrl-C.")
public final class UpCommand implements Callable<Integer> {

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Directory of the journal (default: ${DEFAULT-VALUE}).",
      defaultValue = "data")
  Path data;

  @Override
  public Integer call() throws InterruptedException {
    Lattice lattice = Lattice.builder().dataDirectory(data).start();
    CountDownLatch stopped = new CountDownLatch(1);
    lattice.system().getWhenTerminated().thenRun(stopped::countDown);
    System.out.printf(
        "lattice is up: node %s, roles %s, journal %s%n",
        lattice.address(), lattice.roles(), lattice.journal());
    System.out.println("press Ctrl-C to stop");
    // Ctrl-C and SIGTERM run Pekko's coordinated shutdown (its JVM shutdown hook): shards hand
    // over and the journal closes after its last write; this thread then returns.
    stopped.await();
    System.out.println("lattice stopped");
    return 0;
  }
}
