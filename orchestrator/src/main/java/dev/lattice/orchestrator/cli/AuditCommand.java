package dev.lattice.orchestrator.cli;

import dev.lattice.protocol.api.AuditPage;
import dev.lattice.protocol.api.RunAudit;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lattice audit RUN_ID | --bus-key KEY}: the dispatchers' decisions, in order; {@code
 * lattice audit verify ...} checks them ({@link AuditVerifyCommand}).
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    subcommands = AuditVerifyCommand.class,
    description = {
      "Show the audit trail: every decision of the dispatchers (enqueued, dispatched to whom,"
          + " denied and why, budget reserved and reconciled, done, failed), in order; of one run,"
          + " or with --bus-key a page of one dispatcher's. 'lattice audit verify' checks that"
          + " nothing in it was changed."
    })
final class AuditCommand extends ClientCommand {
  // Optional for picocli, so that 'audit verify ...' parses; run() requires one.
  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Target target;

  /** Whose decisions: one run's, or one dispatcher's. */
  static class Target {
    @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run.")
    String runId;

    @Option(
        names = "--bus-key",
        paramLabel = "KEY",
        description = "A dispatcher's service/role/shard/tenant, e.g. agent/echo/0/default.")
    String busKey;
  }

  @Option(names = "--limit", paramLabel = "N", description = "Entries per page (with --bus-key).")
  Integer limit;

  @Option(
      names = "--after",
      paramLabel = "CURSOR",
      description = "The page after this cursor (with --bus-key).")
  String after;

  @Override
  int run(ApiClient api, PrintStream out) {
    if (target == null) {
      throw new CliException(
          "name a run (RUN_ID) or a dispatcher (--bus-key KEY)", CommandLine.ExitCode.USAGE);
    }
    if (target.runId != null) {
      RunAudit audit = api.get(EventsCommand.runPath(target.runId) + "/audit", RunAudit.class);
      if (json()) {
        out.println(ApiClient.pretty(audit));
      } else {
        TextOutput.audit(audit.entries(), false, out);
        TextOutput.interventions(audit.interventions(), out);
      }
      return 0;
    }
    List<String> query = new ArrayList<>();
    RunsCommand.add(query, "busKey", target.busKey);
    RunsCommand.add(query, "limit", limit == null ? null : limit.toString());
    RunsCommand.add(query, "after", after);
    AuditPage page = api.get("/api/v1/audit?" + String.join("&", query), AuditPage.class);
    if (json()) {
      out.println(ApiClient.pretty(page));
    } else {
      TextOutput.audit(page.entries(), true, out);
      if (page.next() != null) {
        out.println("more: --after " + page.next());
      }
    }
    return 0;
  }
}
