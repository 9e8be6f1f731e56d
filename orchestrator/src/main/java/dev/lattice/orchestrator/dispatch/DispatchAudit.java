package dev.lattice.orchestrator.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.dispatch.DispatchLog.Accepted;
import dev.lattice.orchestrator.dispatch.DispatchLog.Route;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.audit.AuditKind;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.BusKey;
import dev.lattice.protocol.json.LatticeJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Writes a dispatcher's decisions as audit entries, and counts them by kind. */
final class DispatchAudit {
  private final String busKey;
  private final DispatchMeters meters;

  DispatchAudit(BusKey busKey, DispatchMeters meters) {
    this.busKey = busKey.value();
    this.meters = meters;
  }

  AuditEntry entry(
      AuditKind kind, Assignment a, AgentId agent, String detail, Object data, Instant at) {
    meters.decided(kind);
    JsonNode figures = data == null ? null : LatticeJson.mapper().valueToTree(data);
    return new AuditEntry(
        at,
        busKey,
        kind,
        a.runId(),
        a.stepId(),
        a.attempt(),
        agent == null ? null : agent.value(),
        detail,
        figures);
  }

  /** The entries of assignments accepted and routed, as {@code state} (after them) knows them. */
  List<AuditEntry> decided(
      DispatcherState state, List<Accepted> accepted, List<Route> routes, Instant at) {
    List<AuditEntry> entries = new ArrayList<>(accepted.size() + routes.size());
    for (Accepted a : accepted) {
      entries.add(entry(AuditKind.ENQUEUED, a.assignment(), null, null, null, at));
    }
    for (Route route : routes) {
      DispatcherState.Entry entry = state.entry(route.key());
      if (entry != null) {
        entries.add(
            route.agentId() == null
                ? entry(AuditKind.REQUEUED, entry.assignment(), null, null, null, at)
                : entry(AuditKind.DISPATCHED, entry.assignment(), route.agentId(), null, null, at));
      }
    }
    return entries;
  }

  /** The entry of an attempt's result: done, or failed with its class and message. */
  AuditEntry finished(Assignment a, AssignmentResult result, Instant at) {
    if (result.outcome() instanceof StepOutcome.Failed failed) {
      return entry(
          AuditKind.FAILED,
          a,
          result.agentId(),
          failed.error().errorClass().wire() + ": " + failed.error().message(),
          failed.error().budget(),
          at);
    }
    return entry(AuditKind.DONE, a, result.agentId(), null, null, at);
  }
}
