package dev.lattice.orchestrator.node;

import com.typesafe.config.Config;
import dev.lattice.orchestrator.policy.PolicyAudit;
import dev.lattice.orchestrator.policy.PolicyVersion;
import dev.lattice.persistence.audit.AuditSettings;
import dev.lattice.persistence.audit.AuditVerifier;
import dev.lattice.persistence.audit.HeadSigner;
import dev.lattice.persistence.audit.JdbcPolicyAudit;
import dev.lattice.persistence.audit.KeyRing;
import dev.lattice.persistence.journal.PersistenceSettings;
import dev.lattice.protocol.audit.PolicyChange;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;

/**
 * A node's part in the audit chain: it signs the heads that moved, every sign interval and once
 * more as it stops; it verifies chains for the API; and it records policy in the policy chain,
 * starting with the effective policy it starts with. All of it blocks on JDBC, so all of it runs on
 * the read models' dispatcher.
 */
final class NodeAudit implements PolicyAudit {
  private static final Logger LOG = LoggerFactory.getLogger(NodeAudit.class);
  // An append to the policy chain that keeps losing the race for its place is given up after this
  // many tries; nodes starting at once are a handful.
  private static final int POLICY_ATTEMPTS = 10;

  private final AuditVerifier verifier;
  private final JdbcPolicyAudit policy;
  private final Executor blocking;
  private final Clock clock;

  private NodeAudit(
      AuditVerifier verifier, JdbcPolicyAudit policy, Executor blocking, Clock clock) {
    this.verifier = verifier;
    this.policy = policy;
    this.blocking = blocking;
    this.clock = clock;
  }

  /**
   * Loads the keys of {@code config} (generating the signing key on the first start, if so
   * configured); fails with the reason if they cannot be read.
   */
  static KeyRing keys(Config config) {
    AuditSettings settings = AuditSettings.create(config);
    KeyRing keys = KeyRing.load(settings);
    LOG.info(
        "Audit chain heads are signed with key {} ({})",
        keys.signing().keyId(),
        settings.keyFile().toAbsolutePath());
    return keys;
  }

  /** Starts signing heads on {@code system} and records the policy the node starts with. */
  static NodeAudit start(ActorSystem<?> system, KeyRing keys, DataSource dataSource) {
    AuditSettings settings = AuditSettings.create(system.settings().config());
    ExecutionContextExecutor blocking =
        system
            .dispatchers()
            .lookup(DispatcherSelector.fromConfig(PersistenceSettings.READ_MODEL_DISPATCHER));
    HeadSigner signer = new HeadSigner(dataSource, keys, settings.signBatch(), Clock.systemUTC());
    system
        .scheduler()
        .scheduleWithFixedDelay(
            settings.signInterval(),
            settings.signInterval(),
            () -> sign(signer::signMoved),
            blocking);
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "lattice-audit-sign-heads",
            () ->
                CompletableFuture.supplyAsync(
                    () -> {
                      sign(signer::signAll);
                      return Done.getInstance();
                    },
                    blocking));
    NodeAudit audit =
        new NodeAudit(
            new AuditVerifier(dataSource, keys, settings),
            new JdbcPolicyAudit(dataSource, POLICY_ATTEMPTS),
            blocking,
            Clock.systemUTC());
    String node = "node " + Cluster.get(system).selfMember().address().hostPort();
    audit
        .record(node, "effective policy at start", PolicyVersion.of(system.settings().config()))
        .whenComplete(
            (done, failure) -> {
              if (failure != null) {
                LOG.error("Could not record the node's policy in the audit chain", failure);
              }
            });
    return audit;
  }

  AuditVerifier verifier() {
    return verifier;
  }

  @Override
  public CompletionStage<Done> record(String actor, String change, String version) {
    PolicyChange entry = new PolicyChange(clock.instant(), actor, change, version);
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            policy.record(entry);
            return Done.getInstance();
          } catch (SQLException e) {
            throw new CompletionException("recording a policy change failed: " + e.getMessage(), e);
          }
        },
        blocking);
  }

  private static void sign(SigningRound round) {
    try {
      round.run();
    } catch (SQLException | RuntimeException e) {
      // The next round tries again; until then the newest rows stay unsigned, which verifying says.
      LOG.warn("Signing audit chain heads failed: {}", e.getMessage());
    }
  }

  private interface SigningRound {
    void run() throws SQLException;
  }
}
