package dev.lattice.orchestrator.cli;

import dev.lattice.protocol.api.RunAccepted;
import java.io.PrintStream;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lattice execute}: starts a run, and with {@code --follow} watches it to its end. */
@Command(
    name = "execute",
    mixinStandardHelpOptions = true,
    description = {
      "Start a run. With --follow, print its events as they happen; the exit code is then 0 only"
          + " if the run completed."
    })
final class ExecuteCommand extends ClientCommand {
  @Mixin RequestOptions request;

  @Option(
      names = "--idempotency-key",
      paramLabel = "KEY",
      description = "Retrying with the same key returns the same run instead of a second one.")
  String idempotencyKey;

  @Option(
      names = "--follow",
      description = "Print the run's events, and streaming steps' text, until it ends.")
  boolean follow;

  @Override
  int run(ApiClient api, PrintStream out) {
    Map<String, String> headers =
        idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey);
    RunAccepted accepted = api.post("/api/v1/execute", request.body(), headers, RunAccepted.class);
    if (!json()) {
      out.println(
          "run "
              + accepted.runId().value()
              + (accepted.created() ? " started" : " (already started with this key)"));
    } else if (!follow) {
      out.println(ApiClient.pretty(accepted));
    }
    if (!follow) {
      return 0;
    }
    return EventsCommand.follow(api, accepted.runId().value(), 1, json(), out);
  }
}
