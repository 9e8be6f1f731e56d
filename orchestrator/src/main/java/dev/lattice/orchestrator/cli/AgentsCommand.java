package dev.lattice.orchestrator.cli;

import dev.lattice.protocol.api.AgentView;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code lattice agents}: the worker agents of the cluster. */
@Command(
    name = "agents",
    mixinStandardHelpOptions = true,
    description =
        "List the worker agents of the cluster with their capabilities, load and circuit"
            + " breakers.")
final class AgentsCommand extends ClientCommand {
  @Override
  int run(ApiClient api, PrintStream out) {
    List<AgentView> agents = Arrays.asList(api.get("/api/v1/agents", AgentView[].class));
    if (json()) {
      out.println(ApiClient.pretty(agents));
    } else {
      TextOutput.agents(agents, out);
    }
    return 0;
  }
}
