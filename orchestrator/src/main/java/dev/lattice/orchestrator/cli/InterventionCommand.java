package dev.lattice.orchestrator.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.run.RunView;
import java.io.PrintStream;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lattice pause|resume|cancel|signal|override RUN_ID ...}: an intervention in a run,
 * recorded with who and why.
 */
abstract class InterventionCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run.")
  String runId;

  @Option(names = "--actor", paramLabel = "NAME", description = "Who intervenes (default: api).")
  String actor;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why, recorded in the event.")
  String reason;

  /** The path below the run, and the past tense of the intervention. */
  abstract String action();

  abstract String done();

  /** Adds the intervention's own fields to the request body. */
  void describe(ObjectNode body) {}

  @Override
  int run(ApiClient api, PrintStream out) {
    ObjectNode body = ApiClient.MAPPER.createObjectNode();
    if (actor != null) {
      body.put("actor", actor);
    }
    if (reason != null) {
      body.put("reason", reason);
    }
    describe(body);
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

  @Command(
      name = "signal",
      mixinStandardHelpOptions = true,
      description =
          "Send a named signal (e.g. an approval) to the wait step of a run that waits for it.")
  static final class Signal extends InterventionCommand {
    @Parameters(index = "1", paramLabel = "NAME", description = "The signal's name.")
    String name;

    @Option(
        names = "--step",
        paramLabel = "STEP_ID",
        description = "The waiting step, when several wait for the same signal.")
    String stepId;

    @Option(
        names = "--data",
        paramLabel = "JSON",
        description = "What the signal carries (JSON, @FILE or @-); the step's output.")
    String data;

    @Override
    String action() {
      return "signals/" + name;
    }

    @Override
    String done() {
      return "got signal '" + name + "'";
    }

    @Override
    void describe(ObjectNode body) {
      if (stepId != null) {
        body.put("stepId", stepId);
      }
      if (data != null) {
        body.set("data", RequestOptions.jsonArgument(data, "--data"));
      }
    }
  }

  @Command(
      name = "override",
      mixinStandardHelpOptions = true,
      description = "Complete a failed or waiting step of a run with a given output.")
  static final class OverrideStep extends InterventionCommand {
    @Parameters(index = "1", paramLabel = "STEP_ID", description = "The step.")
    String stepId;

    @Option(
        names = "--output",
        required = true,
        paramLabel = "JSON",
        description = "The step's output (JSON, @FILE or @-).")
    String output;

    @Override
    String action() {
      return "steps/" + stepId + "/override";
    }

    @Override
    String done() {
      return "step '" + stepId + "' overridden";
    }

    @Override
    void describe(ObjectNode body) {
      body.set("output", RequestOptions.jsonArgument(output, "--output"));
    }
  }

  @Command(
      name = "retry",
      mixinStandardHelpOptions = true,
      description =
          "Send again a step whose outcome is unknown (a call of an unsafe tool that may have"
              + " happened when its node died): say it did not happen. If it did, override the"
              + " step with its result instead.")
  static final class RetryStep extends InterventionCommand {
    @Parameters(index = "1", paramLabel = "STEP_ID", description = "The step.")
    String stepId;

    @Override
    String action() {
      return "steps/" + stepId + "/retry";
    }

    @Override
    String done() {
      return "step '" + stepId + "' sent again";
    }
  }
}
