package dev.lattice.orchestrator.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.run.RunView;
import java.io.PrintStream;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lattice pause|resume|cancel RUN_ID}: an intervention in a run, recorded with who and why.
 */
abstract class InterventionCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run.")
  String runId;

  @Option(names = "--actor", paramLabel = "NAME", description = "Who intervenes (default: api).")
  String actor;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why, recorded in the event.")
  String reason;

  /** The path segment and the past tense of the intervention. */
  abstract String action();

  abstract String done();

  @Override
  int run(ApiClient api, PrintStream out) {
    ObjectNode body = ApiClient.MAPPER.createObjectNode();
    if (actor != null) {
      body.put("actor", actor);
    }
    if (reason != null) {
      body.put("reason", reason);
    }
    RunView run =
        api.post(EventsCommand.runPath(runId) + "/" + action(), body, Map.of(), RunView.class);
    out.println(
        json()
            ? ApiClient.pretty(run)
            : "run " + run.runId() + " " + done() + ": " + run.status().wire());
    return 0;
  }

  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = "Pause a run: nothing new is dispatched; steps in flight may finish.")
  static final class Pause extends InterventionCommand {
    @Override
    String action() {
      return "pause";
    }

    @Override
    String done() {
      return "paused";
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused run.")
  static final class Resume extends InterventionCommand {
    @Override
    String action() {
      return "resume";
    }

    @Override
    String done() {
      return "resumed";
    }
  }

  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description = "Cancel a run; results of steps still in flight are ignored.")
  static final class Cancel extends InterventionCommand {
    @Override
    String action() {
      return "cancel";
    }

    @Override
    String done() {
      return "cancelled";
    }
  }
}
