package dev.lattice.orchestrator.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** A command that talks to a server: failures become one line on stderr and an exit code. */
abstract class ClientCommand implements Callable<Integer> {
  @Mixin ClientOptions options;

  @Override
  public final Integer call() {
    PrintStream out = System.out;
    try {
      return run(options.client(), out);
    } catch (CliException e) {
      System.err.println("lattice: " + e.getMessage());
      return e.exitCode();
    }
  }

  /** Does the command's work and returns its exit code. */
  abstract int run(ApiClient api, PrintStream out);

  boolean json() {
    return options.json;
  }
}
