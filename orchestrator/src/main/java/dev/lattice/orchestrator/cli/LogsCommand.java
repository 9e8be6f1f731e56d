package dev.lattice.orchestrator.cli;

import dev.lattice.protocol.log.RunLogEntry;
import dev.lattice.protocol.log.RunLogPage;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lattice logs RUN_ID}: a run's own log, up to now or, with {@code --follow}, until the run
 * ends; filtered by level, source and step.
 */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = {
      "Print a run's own log: what its agents wrote (a command's output, a model's rejected"
          + " answers), what its dispatchers decided and what the run did (retries, failures, its"
          + " end), oldest first; with --follow, until the run ends."
    })
final class LogsCommand extends ClientCommand {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  /** Entries asked for per request: the most the server gives by default. */
  private static final int PAGE = 500;

  @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run.")
  String runId;

  @Option(
      names = "--level",
      paramLabel = "LEVEL",
      description = "The least level shown: debug, info, warn or error (default: info).")
  String level;

  @Option(
      names = "--source",
      paramLabel = "SOURCE",
      description = "Only one source: an agent's id (e.g. local.shell), dispatcher or run.")
  String source;

  @Option(names = "--step", paramLabel = "STEP", description = "Only one step's entries.")
  String step;

  @Option(
      names = "--follow",
      description =
          "Keep printing new entries until the run ends (exit code 0 only if it completed).")
  boolean follow;

  @Option(
      names = "--interval-ms",
      paramLabel = "MS",
      defaultValue = "1000",
      description =
          "With --follow, how often to ask for new entries, in milliseconds (default:"
              + " ${DEFAULT-VALUE}).")
  long intervalMs;

  @Override
  int run(ApiClient api, PrintStream out) {
    Duration pause = Duration.ofMillis(Math.max(1, intervalMs));
    String after = null;
    while (true) {
      RunLogPage page = api.get(path(after), RunLogPage.class);
      page.entries().forEach(entry -> print(entry, out));
      after = page.next();
      if (page.more()) {
        continue;
      }
      if (!follow) {
        return 0;
      }
      RunView run = api.get(EventsCommand.runPath(runId), RunView.class);
      if (run.status().terminal()) {
        // What was written up to its end, the writer's last batch included.
        drain(api, after, pause, out);
        return run.status() == RunStatus.COMPLETED ? 0 : 1;
      }
      sleep(pause);
    }
  }

  /** Prints what came since {@code after}, once more after a pause for the last writes. */
  private void drain(ApiClient api, String after, Duration pause, PrintStream out) {
    sleep(pause);
    String next = after;
    RunLogPage page;
    do {
      page = api.get(path(next), RunLogPage.class);
      page.entries().forEach(entry -> print(entry, out));
      next = page.next();
    } while (page.more());
  }

  private String path(String after) {
    List<String> query = new ArrayList<>();
    RunsCommand.add(query, "level", level);
    RunsCommand.add(query, "source", source);
    RunsCommand.add(query, "step", step);
    RunsCommand.add(query, "after", after);
    RunsCommand.add(query, "limit", Integer.toString(PAGE));
    return EventsCommand.runPath(runId) + "/logs?" + String.join("&", query);
  }

  private void print(RunLogEntry entry, PrintStream out) {
    if (json()) {
      out.println(new String(ApiClient.json(entry), StandardCharsets.UTF_8));
      return;
    }
    String where =
        entry.stepId() == null
            ? "-"
            : entry.stepId() + (entry.attempt() == null ? "" : "#" + entry.attempt());
    out.println(
        String.format(
            "%s %-5s %-16s %-16s %s",
            TIME.format(entry.at()),
            entry.level().wire().toUpperCase(Locale.ROOT),
            entry.source(),
            where,
            entry.message()));
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted", CliException.REFUSED);
    }
  }
}
