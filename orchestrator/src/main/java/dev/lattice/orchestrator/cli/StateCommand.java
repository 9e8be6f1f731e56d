package dev.lattice.orchestrator.cli;

import dev.lattice.protocol.api.NodeState;
import java.io.PrintStream;
import picocli.CommandLine.Command;

/** {@code lattice state}: the node and cluster as the server sees them. */
@Command(
    name = "state",
    mixinStandardHelpOptions = true,
    description =
        "Show the node and its cluster: members with their roles, status and reachability, the"
            + " shards and entities each member hosts, runs by status, queues, agents and load.")
final class StateCommand extends ClientCommand {
  @Override
  int run(ApiClient api, PrintStream out) {
    NodeState state = api.get("/api/v1/state", NodeState.class);
    if (json()) {
      out.println(ApiClient.pretty(state));
    } else {
      TextOutput.state(state, out);
    }
    return 0;
  }
}
