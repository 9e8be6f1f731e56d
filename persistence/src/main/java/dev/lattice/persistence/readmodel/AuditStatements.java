package dev.lattice.persistence.readmodel;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lattice.persistence.audit.AuditChains;
import dev.lattice.persistence.audit.AuditChains.NewRow;
import dev.lattice.persistence.audit.ChainIds;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.audit.InterventionEntry;
import dev.lattice.protocol.json.LatticeJson;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit trail's writes, run inside the journal's transaction by the journal DAO. A dispatcher's
 * write stores one row per run, holding that run's entries from that write in order, appended to
 * the dispatcher's chain; an intervention is one row of its run's chain ({@link AuditChains}). A
 * row costs H2 far more than its bytes do: one row per entry made the audit trail most of what a
 * dispatcher's write cost, and a run's entries in one row cost a fifth of that
 * (docs/benchmarks.md).
 */
public final class AuditStatements {
  private AuditStatements() {}

  /** The rows of a dispatcher's {@code entries}: one per run, in the order of their first entry. */
  public static List<NewRow> rows(List<AuditEntry> entries) {
    Map<Group, List<AuditEntry>> groups = new LinkedHashMap<>();
    for (AuditEntry entry : entries) {
      groups
          .computeIfAbsent(new Group(entry.runId().value(), entry.busKey()), g -> new ArrayList<>())
          .add(entry);
    }
    List<NewRow> rows = new ArrayList<>(groups.size());
    groups.forEach(
        (group, members) ->
            rows.add(
                new NewRow(
                    ChainIds.bus(group.busKey()),
                    group.runId(),
                    group.busKey(),
                    AuditGroupJson.write(members))));
    return rows;
  }

  /** The row of an intervention in run {@code runId}. */
  public static NewRow intervention(String runId, InterventionEntry entry) {
    try {
      String entries = LatticeJson.mapper().writeValueAsString(List.of(entry));
      return new NewRow(ChainIds.run(runId), runId, null, entries);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write an intervention as JSON", e);
    }
  }

  /** Appends {@code rows}, in order, on {@code connection} (without committing). */
  public static void insert(Connection connection, List<NewRow> rows, long recordedAt)
      throws SQLException {
    AuditChains.append(connection, rows, recordedAt);
  }

  private record Group(String runId, String busKey) {}
}
