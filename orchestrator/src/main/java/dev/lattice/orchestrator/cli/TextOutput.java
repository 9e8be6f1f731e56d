package dev.lattice.orchestrator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.BreakerState;
import dev.lattice.protocol.agent.BreakerStatus;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.api.AgentView;
import dev.lattice.protocol.api.ClusterMember;
import dev.lattice.protocol.api.NodeShards;
import dev.lattice.protocol.api.NodeState;
import dev.lattice.protocol.api.PlannedRun;
import dev.lattice.protocol.api.QueueView;
import dev.lattice.protocol.api.QueueWait;
import dev.lattice.protocol.api.RegionReply;
import dev.lattice.protocol.api.RunPage;
import dev.lattice.protocol.api.RunSummary;
import dev.lattice.protocol.api.ShardDistribution;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.audit.InterventionEntry;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepView;
import java.io.PrintStream;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/** The human-readable output of the client commands. */
final class TextOutput {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
  private static final int EXCERPT = 80;

  private TextOutput() {}

  static String event(RunEvent e) {
    StringBuilder line =
        new StringBuilder(
            String.format("%4d  %s  %-20s", e.seq(), TIME.format(e.timestamp()), e.type()));
    if (e.stepId() != null) {
      line.append(' ').append(e.stepId());
      if (e.attempt() != null) {
        line.append(" (attempt ").append(e.attempt()).append(')');
      }
    }
    JsonNode data = e.data();
    if (data != null) {
      if (data.has("output")) {
        line.append("  ").append(excerpt(data.get("output")));
      } else if (data.has("error")) {
        line.append("  ").append(excerpt(data.get("error")));
      } else if (data.has("cause")) {
        line.append("  ").append(excerpt(data.get("cause")));
      }
    }
    return line.toString().stripTrailing();
  }

  static void run(RunView run, PrintStream out) {
    out.printf("run %s  %s  tenant %s%n", run.runId(), run.status().wire(), run.tenant());
    out.printf(
        "created %s, updated %s, last event %d%n", run.createdAt(), run.updatedAt(), run.lastSeq());
    if (run.parent() != null) {
      out.printf(
          "child of run %s, step %s (attempt %d)%n",
          run.parent().runId().value(), run.parent().stepId(), run.parent().attempt());
    }
    if (run.cause() != null) {
      out.println("cause: " + excerpt(ApiClient.MAPPER.valueToTree(run.cause())));
    }
    out.printf(
        "%-20s %-10s %-10s %-8s %s%n", "STEP", "KIND", "STATUS", "ATTEMPTS", "OUTPUT / ERROR");
    for (StepView step : run.steps()) {
      JsonNode shown =
          step.output() != null
              ? step.output()
              : step.error() == null ? null : ApiClient.MAPPER.valueToTree(step.error());
      out.printf(
          "%-20s %-10s %-10s %-8d %s%n",
          step.id(),
          step.kind().toString().toLowerCase(Locale.ROOT),
          step.status().toString().toLowerCase(Locale.ROOT),
          step.attempts(),
          shown == null ? waitingFor(step) : excerpt(shown));
      if (step.childRunId() != null) {
        out.printf("%-20s child run %s%n", "", step.childRunId());
      }
    }
    out.println("usage: " + usage(run.usage()));
  }

  /** What a waiting step waits for, or nothing. */
  private static String waitingFor(StepView step) {
    if (step.signal() != null) {
      return "waits for signal '"
          + step.signal()
          + "'"
          + (step.waitUntil() == null ? "" : " until " + step.waitUntil());
    }
    if (step.waitUntil() != null) {
      return "waits until " + step.waitUntil();
    }
    return step.retryAt() == null ? "" : "retry at " + step.retryAt();
  }

  static void plan(PlannedRun planned, PrintStream out) {
    out.printf(
        "plan from %s, tenant %s, mode %s%n", planned.source(), planned.tenant(), planned.mode());
    out.printf("%-20s %-10s %-16s %s%n", "STEP", "KIND", "CAPABILITY", "DEPENDS ON");
    for (StepSpec step : planned.plan().steps()) {
      out.printf(
          "%-20s %-10s %-16s %s%n",
          step.id(),
          step.kind().toString().toLowerCase(Locale.ROOT),
          step.capability() == null ? "" : step.capability(),
          String.join(", ", step.dependsOn()));
    }
    var estimate = planned.estimate();
    out.printf(
        "%d steps (%d agent steps), critical path %d, up to %d in parallel%n",
        estimate.steps(),
        estimate.agentSteps(),
        estimate.criticalPath(),
        estimate.maxParallelism());
    // Strict mode refuses a plan with any of these; the others only report them.
    planned.warnings().forEach(warning -> out.println("warning: " + warning));
  }

  static void runs(RunPage page, PrintStream out) {
    out.printf("%-38s %-10s %-12s %-21s %s%n", "RUN", "STATUS", "TENANT", "CREATED", "SOURCE");
    for (RunSummary run : page.runs()) {
      out.printf(
          "%-38s %-10s %-12s %-21s %s%n",
          run.runId(),
          run.status().wire(),
          run.tenant(),
          run.createdAt().truncatedTo(ChronoUnit.SECONDS),
          run.source());
    }
    if (page.next() != null) {
      out.println("more: --after " + page.next());
    }
  }

  /** Audit entries as a table, one line each; with each one's run when they span runs. */
  static void audit(List<AuditEntry> entries, boolean withRun, PrintStream out) {
    if (entries.isEmpty()) {
      out.println("no decisions recorded");
      return;
    }
    out.println(auditLine(withRun, "TIME", "KIND", "RUN", "STEP", "ATT", "AGENT", "DETAIL"));
    for (AuditEntry e : entries) {
      String detail = e.detail() == null ? "" : e.detail();
      if (e.data() != null) {
        detail = (detail + " " + excerpt(e.data())).strip();
      }
      out.println(
          auditLine(
              withRun,
              TIME.format(e.at()),
              e.kind().wire(),
              e.runId().value(),
              e.stepId(),
              Integer.toString(e.attempt()),
              e.agentId() == null ? "-" : e.agentId(),
              detail));
    }
  }

  /** A run's interventions, one line each: when, what, on which step, who, why. */
  static void interventions(List<InterventionEntry> interventions, PrintStream out) {
    if (interventions.isEmpty()) {
      return;
    }
    out.println("interventions:");
    for (InterventionEntry i : interventions) {
      String what = i.signal() == null ? i.type() : i.type() + " " + i.signal();
      out.printf(
          "%s %-17s %-20s by %s%s%n",
          TIME.format(i.at()),
          what,
          i.stepId() == null ? "-" : i.stepId(),
          i.actor(),
          i.reason() == null ? "" : ": " + i.reason());
    }
  }

  private static String auditLine(
      boolean withRun,
      String time,
      String kind,
      String run,
      String step,
      String attempt,
      String agent,
      String detail) {
    String runColumn = withRun ? String.format("%-36s ", run) : "";
    return String.format(
            "%-12s %-17s %s%-20s %-3s %-20s %s",
            time, kind, runColumn, step, attempt, agent, detail)
        .stripTrailing();
  }

  /**
   * The agents grouped by the category of their capabilities: an agent whose capabilities fall in
   * several categories has a row in each, with the capabilities of that category. A server that
   * sends no categories gets one group, {@code -}.
   */
  static void agents(List<AgentView> agents, PrintStream out) {
    String row = "%-8s %-24s %-32s %-13s %-8s %-8s %-40s %s%n";
    out.printf(
        row, "CATEGORY", "AGENT", "CAPABILITIES", "STATUS", "LOAD", "PRIORITY", "NODE", "BREAKER");
    Map<String, List<Map.Entry<AgentView, List<String>>>> groups = new TreeMap<>();
    for (AgentView agent : agents) {
      Map<String, List<String>> categories =
          agent.categories().isEmpty() ? Map.of("-", agent.capabilities()) : agent.categories();
      categories.forEach(
          (category, capabilities) ->
              groups
                  .computeIfAbsent(category, c -> new ArrayList<>())
                  .add(Map.entry(agent, capabilities)));
    }
    groups.forEach(
        (category, rows) ->
            rows.forEach(
                entry -> {
                  AgentView agent = entry.getKey();
                  out.printf(
                      row,
                      category,
                      agent.agentId(),
                      String.join(",", entry.getValue()),
                      agent.status().wire(),
                      agent.load() + "/" + agent.maxConcurrent(),
                      agent.priority(),
                      agent.node(),
                      breakers(agent));
                }));
  }

  /** The agent's breaker, then those of its models that are not closed and clean. */
  private static String breakers(AgentView agent) {
    StringBuilder text = new StringBuilder(breaker(agent.breaker()));
    agent
        .modelBreakers()
        .forEach(
            (model, status) -> {
              if (status.state() != BreakerState.CLOSED || status.consecutiveFailures() > 0) {
                text.append("; ").append(model).append(": ").append(breaker(status));
              }
            });
    return text.toString();
  }

  private static String breaker(BreakerStatus status) {
    if (status == null) {
      return "unknown";
    }
    String text = status.state().wire();
    if (status.openUntil() != null) {
      text += " until " + TIME.format(status.openUntil());
    }
    return status.consecutiveFailures() == 0
        ? text
        : text + " (" + status.consecutiveFailures() + " failures)";
  }

  static void state(NodeState state, PrintStream out) {
    out.println("node " + state.node() + " " + state.roles());
    if (state.cluster() == null) {
      // A server from before the cluster view.
      out.println("members:");
      state.members().forEach(m -> out.println("  " + m));
    } else {
      members(state.cluster().members(), out);
      shards(state.cluster().shards(), out);
    }
    out.println(state.runs().isEmpty() ? "runs: none" : "runs:");
    state.runs().forEach((status, count) -> out.printf("  %-10s %d%n", status.wire(), count));
    out.println("queues:");
    for (QueueView queue : state.queues()) {
      out.printf(
          "  %-32s queued %d, in flight %d%n", queue.busKey(), queue.queued(), queue.inFlight());
      out.println("    " + waits(queue.queueWait()) + "; " + failures(queue.failures()));
      queue
          .waiting()
          .forEach((reason, count) -> out.println("    waiting: " + count + " " + reason));
    }
    out.println("agents:");
    agents(state.agents(), out);
  }

  private static void members(List<ClusterMember> members, PrintStream out) {
    out.println("members:");
    out.println(memberLine("ADDRESS", "NAME", "ROLES", "STATUS", "REACHABLE", ""));
    for (ClusterMember m : members) {
      StringJoiner notes = new StringJoiner(", ");
      if (m.leader()) {
        notes.add("leader");
      }
      if (m.self()) {
        notes.add("this node");
      }
      out.println(
          memberLine(
              m.address(),
              m.name() == null ? "-" : m.name(),
              m.roles().isEmpty() ? "-" : String.join(",", m.roles()),
              m.status().wire(),
              m.reachable() ? "yes" : "no",
              notes.toString()));
    }
  }

  private static String memberLine(
      String address, String name, String roles, String status, String reachable, String notes) {
    return String.format(
            "  %-34s %-12s %-20s %-10s %-9s %s", address, name, roles, status, reachable, notes)
        .stripTrailing();
  }

  /** Per sharded type, the shards and entities each member hosts, or why it is not known. */
  private static void shards(List<ShardDistribution> distributions, PrintStream out) {
    out.println("shards:");
    out.println(shardLine("TYPE", "NODE", "SHARDS", "ENTITIES", ""));
    for (ShardDistribution type : distributions) {
      if (type.nodes().isEmpty()) {
        out.println(shardLine(type.type(), "-", "-", "-", "no member with role " + type.role()));
      }
      for (NodeShards node : type.nodes()) {
        String where = node.name() == null ? node.address() : node.name();
        if (node.reply() != RegionReply.ANSWERED) {
          String why = node.reply() == RegionReply.UNREACHABLE ? "unreachable" : "no answer";
          out.println(shardLine(type.type(), where, "-", "-", why));
          continue;
        }
        out.println(
            shardLine(
                type.type(),
                where,
                Integer.toString(node.shards()),
                Integer.toString(node.entities()),
                node.unansweredShards() == 0
                    ? ""
                    : node.unansweredShards() + " shards did not report their entities"));
      }
    }
  }

  private static String shardLine(
      String type, String node, String shards, String entities, String notes) {
    return String.format("  %-12s %-34s %-7s %-9s %s", type, node, shards, entities, notes)
        .stripTrailing();
  }

  private static String waits(QueueWait wait) {
    if (wait.count() == 0) {
      return "waited: nothing dispatched lately";
    }
    return String.format(
        Locale.ROOT,
        "waited: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms (%d dispatched)",
        wait.p50Ms(),
        wait.p90Ms(),
        wait.p99Ms(),
        wait.count());
  }

  private static String failures(Map<ErrorClass, Long> failures) {
    if (failures.isEmpty()) {
      return "failed: none";
    }
    StringJoiner joined = new StringJoiner(", ", "failed: ", "");
    failures.forEach((errorClass, count) -> joined.add(errorClass.wire() + " " + count));
    return joined.toString();
  }

  private static String usage(Usage usage) {
    if (usage == null || usage.promptTokens() + usage.completionTokens() == 0) {
      return "none";
    }
    return String.format(
        "%d prompt + %d completion tokens, $%s",
        usage.promptTokens(), usage.completionTokens(), usage.costUsd().toPlainString());
  }

  private static String excerpt(JsonNode value) {
    String text = value.isTextual() ? value.asText() : value.toString();
    text = text.replace('\n', ' ');
    return text.length() <= EXCERPT ? text : text.substring(0, EXCERPT - 1) + "…";
  }
}
