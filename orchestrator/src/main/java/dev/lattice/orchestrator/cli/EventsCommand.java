package dev.lattice.orchestrator.cli;

import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepDelta;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lattice events}: a run's events, up to now or, with {@code --follow}, to its end. */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    description = {
      "Print a run's events from a sequence number: those so far, or with --follow every event"
          + " until the run ends (exit code 0 only if it completed)."
    })
final class EventsCommand extends ClientCommand {
  /** Resumptions in a row that bring no new event before following gives up. */
  private static final int MAX_FRUITLESS_RESUMES = 3;

  /** An attempt shorter than this that brings no event counts as fruitless. */
  private static final Duration QUICK_FAILURE = Duration.ofSeconds(5);

  @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run.")
  String runId;

  @Option(
      names = "--from",
      paramLabel = "SEQ",
      defaultValue = "1",
      description = "The first sequence number (default: 1).")
  long from;

  @Option(
      names = "--follow",
      description =
          "Keep printing live events, and streaming steps' text as it comes, until the run ends.")
  boolean follow;

  @Override
  int run(ApiClient api, PrintStream out) {
    if (follow) {
      return follow(api, runId, from, json(), out);
    }
    // Without --follow: the events up to the run's latest one at the time of asking.
    long last = api.get(runPath(runId), RunView.class).lastSeq();
    if (from > last) {
      return 0;
    }
    api.stream(
        runPath(runId) + "/events?from=" + from,
        line -> {
          RunEvent event = print(line, json(), out);
          return event == null || event.seq() < last;
        });
    return 0;
  }

  /**
   * Prints the run's events from {@code from} until its terminal event (none if {@code from} is
   * past it); 0 if it completed. A stream that ends early (the server closes idle connections) is
   * resumed after the last event printed, as long as each attempt makes progress.
   */
  static int follow(ApiClient api, String runId, long from, boolean json, PrintStream out) {
    RunEvent[] terminal = new RunEvent[1];
    long[] next = {from};
    int fruitless = 0;
    FollowPrinter printer = new FollowPrinter(out, json);
    while (terminal[0] == null) {
      long before = next[0];
      long started = System.nanoTime();
      try {
        api.stream(
            runPath(runId) + "/events?from=" + next[0],
            line -> {
              RunEvent event = printer.take(line);
              if (event == null) {
                return true;
              }
              next[0] = event.seq() + 1;
              if (event.terminal()) {
                terminal[0] = event;
                return false;
              }
              return true;
            });
      } catch (ApiClient.BrokenStream e) {
        printer.endLine();
        if (fruitless(before, next[0], started) && ++fruitless >= MAX_FRUITLESS_RESUMES) {
          throw e;
        }
        continue;
      }
      if (terminal[0] == null) {
        // A stream that starts past the terminal event ends at once and empty; the run's status
        // is then the outcome (a stream cut short, by contrast, is resumed).
        RunView run = api.get(runPath(runId), RunView.class);
        if (run.status().terminal() && next[0] > run.lastSeq()) {
          return run.status() == RunStatus.COMPLETED ? 0 : CliException.REFUSED;
        }
      }
      if (terminal[0] == null
          && fruitless(before, next[0], started)
          && ++fruitless >= MAX_FRUITLESS_RESUMES) {
        throw new CliException("the event stream ended before the run did", CliException.REFUSED);
      }
    }
    return "run.completed".equals(terminal[0].type()) ? 0 : CliException.REFUSED;
  }

  /**
   * Whether an attempt that ended brought nothing: no new event, and it did not last (a stream the
   * server closed for being idle lasted, and is simply resumed).
   */
  private static boolean fruitless(long before, long after, long startedNanos) {
    return after == before && System.nanoTime() - startedNanos < QUICK_FAILURE.toNanos();
  }

  static String runPath(String runId) {
    return "/api/v1/runs/" + URLEncoder.encode(runId, StandardCharsets.UTF_8);
  }

  /** Prints an event; a step's streamed text (a {@code step.delta}, not an event) is skipped. */
  private static RunEvent print(String line, boolean json, PrintStream out) {
    try {
      if (StepDelta.TYPE.equals(ApiClient.MAPPER.readTree(line).path("type").asText())) {
        return null;
      }
      RunEvent event = ApiClient.MAPPER.readValue(line, RunEvent.class);
      out.println(json ? line : TextOutput.event(event));
      return event;
    } catch (IOException e) {
      throw new CliException("unexpected event from the server: " + line, CliException.REFUSED);
    }
  }
}
