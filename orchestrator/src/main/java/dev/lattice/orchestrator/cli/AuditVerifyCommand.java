package dev.lattice.orchestrator.cli;

import dev.lattice.protocol.api.AuditFinding;
import dev.lattice.protocol.api.AuditVerification;
import dev.lattice.protocol.api.ChainVerification;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lattice audit verify RUN_ID | --bus-key KEY | --policy}: checks an audit trail's hash
 * chains and signed heads, and says what was changed. Exits 0 when intact, 1 when not.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Verify an audit trail: every row's hash and place in its chain, and each chain's signed"
          + " head. Of one run (its interventions, and its tenant's dispatchers' chains since it"
          + " started), with --bus-key of one dispatcher, or with --policy of the policy chain."
          + " Exits 1 and lists which rows were edited, deleted, reordered or inserted, or which"
          + " signature is bad, when the trail was changed."
    })
final class AuditVerifyCommand extends ClientCommand {
  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  /**
   * Which trail: one run's, one dispatcher's (as {@code lattice audit} names them), or the
   * policy's.
   */
  static final class Target extends AuditCommand.Target {
    @Option(names = "--policy", description = "The policy chain.")
    boolean policy;
  }

  @Override
  int run(ApiClient api, PrintStream out) {
    String path =
        target.runId != null
            ? EventsCommand.runPath(target.runId) + "/audit/verify"
            : target.busKey != null
                ? "/api/v1/audit/verify?busKey="
                    + URLEncoder.encode(target.busKey, StandardCharsets.UTF_8)
                : "/api/v1/audit/verify?chain=policy";
    AuditVerification verification = api.get(path, AuditVerification.class);
    if (json()) {
      out.println(ApiClient.pretty(verification));
    } else {
      print(verification, out);
    }
    return verification.intact() ? 0 : CliException.REFUSED;
  }

  private static void print(AuditVerification verification, PrintStream out) {
    out.println(verification.subject() + ": " + (verification.intact() ? "intact" : "CHANGED"));
    for (ChainVerification chain : verification.chains()) {
      out.printf(
          "  %-40s rows %d-%d (%d checked)%s%s%s%n",
          chain.chain(),
          chain.fromSeq(),
          chain.toSeq(),
          chain.rows(),
          chain.signedSeq() == null
              ? ", not signed yet"
              : ", signed through " + chain.signedSeq() + " by key " + chain.keyId(),
          chain.pruned() > 0 ? ", " + chain.pruned() + " emptied by retention" : "",
          chain.intact() ? "" : "  CHANGED");
    }
    for (AuditFinding finding : verification.findings()) {
      out.printf(
          "  %s %s%s%s: %s%n",
          finding.kind().wire(),
          finding.chain(),
          finding.seq() == null ? "" : " row " + finding.seq(),
          finding.rowId() == null ? "" : " (id " + finding.rowId() + ")",
          finding.detail());
    }
  }
}
