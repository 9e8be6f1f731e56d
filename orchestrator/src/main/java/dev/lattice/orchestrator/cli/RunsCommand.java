package dev.lattice.orchestrator.cli;

import dev.lattice.protocol.api.RunPage;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lattice runs}: a page of runs, newest first. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "List runs, newest first.")
final class RunsCommand extends ClientCommand {
  @Option(names = "--status", paramLabel = "STATUS", description = "Only runs in this status.")
  String status;

  @Option(names = "--tenant", paramLabel = "TENANT", description = "Only runs of this tenant.")
  String tenant;

  @Option(names = "--limit", paramLabel = "N", description = "Runs per page.")
  Integer limit;

  @Option(names = "--after", paramLabel = "CURSOR", description = "The page after this cursor.")
  String after;

  @Override
  int run(ApiClient api, PrintStream out) {
    List<String> query = new ArrayList<>();
    add(query, "status", status);
    add(query, "tenant", tenant);
    add(query, "limit", limit == null ? null : limit.toString());
    add(query, "after", after);
    RunPage page =
        api.get(
            "/api/v1/runs" + (query.isEmpty() ? "" : "?" + String.join("&", query)), RunPage.class);
    if (json()) {
      out.println(ApiClient.pretty(page));
    } else {
      TextOutput.runs(page, out);
    }
    return 0;
  }

  /** Adds {@code name=value} to {@code query}, URL-encoded, if there is a value. */
  static void add(List<String> query, String name, String value) {
    if (value != null) {
      query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }
}
