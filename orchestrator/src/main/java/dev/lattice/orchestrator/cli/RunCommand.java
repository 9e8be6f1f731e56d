package dev.lattice.orchestrator.cli;

import dev.lattice.protocol.run.RunView;
import java.io.PrintStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code lattice run RUN_ID}: one run's state. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Show a run: status, steps, attempts, outputs, usage, cause of failure.")
final class RunCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run.")
  String runId;

  @Override
  int run(ApiClient api, PrintStream out) {
    RunView run = api.get(EventsCommand.runPath(runId), RunView.class);
    if (json()) {
      out.println(ApiClient.pretty(run));
    } else {
      TextOutput.run(run, out);
    }
    return 0;
  }
}
