package dev.lattice.persistence.readmodel;

import dev.lattice.protocol.audit.AuditEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit trail's writes, run inside the journal's transaction by the journal DAO. A write stores
 * one row per run and bus key, holding that run's entries from that dispatcher in order. A row
 * costs H2 far more than its bytes do: one row per entry made the audit trail most of what a
 * dispatcher's write cost, and a run's entries in one row cost a fifth of that
 * (docs/benchmarks.md).
 */
public final class AuditStatements {
  private static final String INSERT =
      "INSERT INTO \"lattice_audit\" (\"run_id\", \"bus_key\", \"entries\") VALUES (?, ?, ?)";

  private AuditStatements() {}

  /** Inserts {@code entries}, in order, in one batch on {@code connection} (without committing). */
  public static void insert(Connection connection, List<AuditEntry> entries) throws SQLException {
    if (entries.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      for (List<AuditEntry> group : byRunAndBusKey(entries)) {
        AuditEntry first = group.get(0);
        insert.setString(1, first.runId().value());
        insert.setString(2, first.busKey());
        insert.setString(3, AuditGroupJson.write(group));
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /** {@code entries} grouped by run and bus key, groups in the order of their first entry. */
  private static Iterable<List<AuditEntry>> byRunAndBusKey(List<AuditEntry> entries) {
    Map<Group, List<AuditEntry>> groups = new LinkedHashMap<>();
    for (AuditEntry entry : entries) {
      groups
          .computeIfAbsent(new Group(entry.runId().value(), entry.busKey()), g -> new ArrayList<>())
          .add(entry);
    }
    return groups.values();
  }

  private record Group(String runId, String busKey) {}
}
