package dev.lattice.orchestrator.cli;

import dev.lattice.protocol.api.PlannedRun;
import java.io.PrintStream;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lattice plan}: the plan a request would run, validated; runs nothing. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = "Show the validated plan a request would run, with its estimate; runs nothing.")
final class PlanCommand extends ClientCommand {
  @Mixin RequestOptions request;

  @Override
  int run(ApiClient api, PrintStream out) {
    PlannedRun planned = api.post("/api/v1/plan", request.body(), Map.of(), PlannedRun.class);
    if (json()) {
      out.println(ApiClient.pretty(planned));
    } else {
      TextOutput.plan(planned, out);
    }
    return 0;
  }
}
