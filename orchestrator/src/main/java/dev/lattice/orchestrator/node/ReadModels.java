package dev.lattice.orchestrator.node;

import dev.lattice.persistence.audit.AuditVerifier;
import dev.lattice.persistence.journal.PersistenceSettings;
import dev.lattice.persistence.query.UnknownRunException;
import dev.lattice.persistence.readmodel.JdbcAuditLog;
import dev.lattice.persistence.readmodel.JdbcRunIndex;
import dev.lattice.persistence.runlog.JdbcRunLog;
import dev.lattice.protocol.api.AuditPage;
import dev.lattice.protocol.api.AuditQuery;
import dev.lattice.protocol.api.AuditVerification;
import dev.lattice.protocol.api.RunAudit;
import dev.lattice.protocol.api.RunPage;
import dev.lattice.protocol.api.RunQuery;
import dev.lattice.protocol.api.RunSummary;
import dev.lattice.protocol.ids.BusKey;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.log.RunLogPage;
import dev.lattice.protocol.log.RunLogQuery;
import dev.lattice.protocol.run.RunStatus;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;

/**
 * The client's reads of the read models (run index, audit trail and its verification, runs' logs):
 * blocking JDBC, run on the read models' dispatcher so that no actor thread waits for the database.
 */
final class ReadModels {
  private final JdbcRunIndex runIndex;
  private final JdbcAuditLog auditLog;
  private final AuditVerifier verifier;
  private final JdbcRunLog runLog;
  private final Executor blocking;

  ReadModels(
      ActorSystem<?> system,
      JdbcRunIndex runIndex,
      JdbcAuditLog auditLog,
      AuditVerifier verifier,
      JdbcRunLog runLog) {
    this.runIndex = runIndex;
    this.auditLog = auditLog;
    this.verifier = verifier;
    this.runLog = runLog;
    this.blocking =
        system
            .dispatchers()
            .lookup(DispatcherSelector.fromConfig(PersistenceSettings.READ_MODEL_DISPATCHER));
  }

  CompletionStage<RunPage> runs(RunQuery query) {
    return read(() -> runIndex.list(query));
  }

  CompletionStage<Optional<RunSummary>> summary(RunId runId) {
    return read(() -> runIndex.find(runId.value()));
  }

  CompletionStage<Map<RunStatus, Long>> countByStatus() {
    return read(runIndex::countByStatus);
  }

  CompletionStage<List<JdbcRunIndex.TenantRuns>> countUnfinishedByTenant() {
    return read(runIndex::countUnfinishedByTenant);
  }

  /** A run's audit trail; fails with {@link UnknownRunException} for a run the index lacks. */
  CompletionStage<RunAudit> audit(RunId runId) {
    return read(
        () -> {
          RunAudit audit = auditLog.byRun(runId);
          // Only a trail that is empty needs telling apart from no run at all.
          if (audit.entries().isEmpty()
              && audit.interventions().isEmpty()
              && runIndex.find(runId.value()).isEmpty()) {
            throw new UnknownRunException(runId);
          }
          return audit;
        });
  }

  /** A page of a run's log; fails with {@link UnknownRunException} for a run the index lacks. */
  CompletionStage<RunLogPage> runLog(RunLogQuery query) {
    return read(
        () -> {
          RunLogPage page = runLog.page(query);
          // Only a page that is empty needs telling apart from no run at all.
          if (page.entries().isEmpty() && runIndex.find(query.runId().value()).isEmpty()) {
            throw new UnknownRunException(query.runId());
          }
          return page;
        });
  }

  CompletionStage<AuditPage> audit(AuditQuery query) {
    return read(() -> auditLog.byBusKey(query));
  }

  /** Verifies a run's audit trail; fails with {@link UnknownRunException} for no such run. */
  CompletionStage<AuditVerification> verifyAudit(RunId runId) {
    return read(
        () -> {
          RunSummary run =
              runIndex.find(runId.value()).orElseThrow(() -> new UnknownRunException(runId));
          return verifier.run(runId.value(), run.tenant(), run.createdAt());
        });
  }

  CompletionStage<AuditVerification> verifyAudit(BusKey busKey) {
    return read(() -> verifier.busKey(busKey.value()));
  }

  CompletionStage<AuditVerification> verifyPolicyAudit() {
    return read(verifier::policy);
  }

  private <T> CompletionStage<T> read(Read<T> read) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return read.run();
          } catch (SQLException e) {
            throw new CompletionException("reading the read models failed: " + e.getMessage(), e);
          }
        },
        blocking);
  }

  private interface Read<T> {
    T run() throws SQLException;
  }
}
