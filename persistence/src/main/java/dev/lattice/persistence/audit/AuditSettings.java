package dev.lattice.persistence.audit;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code lattice.audit}: the key that signs the heads of the audit chains, the keys trusted to have
 * signed earlier heads, how often heads are signed, and how verifications look.
 *
 * @param keyFile the signing key's file
 * @param generateKey whether to generate it there when missing (no file was configured)
 * @param trustedKeys files of earlier keys' public halves
 * @param signInterval how often a node signs the heads that moved
 * @param signBatch heads signed per round at most
 * @param clockSkew how much earlier than a run's creation its check of dispatcher chains starts
 * @param maxFindings findings reported per chain at most
 */
public record AuditSettings(
    Path keyFile,
    boolean generateKey,
    List<Path> trustedKeys,
    Duration signInterval,
    int signBatch,
    Duration clockSkew,
    int maxFindings) {
  /** The file name of the key generated on first start, inside the data directory. */
  public static final String GENERATED_KEY_FILE = "audit-signing-key.jwk";

  /** The settings of {@code config} (the node's whole configuration). */
  public static AuditSettings create(Config config) {
    Config audit = config.getConfig("lattice.audit");
    String keyFile = audit.getString("signing-key-file");
    Path dataDir = Path.of(config.getString("lattice.persistence.data-dir"));
    return new AuditSettings(
        keyFile.isBlank() ? dataDir.resolve(GENERATED_KEY_FILE) : Path.of(keyFile),
        keyFile.isBlank(),
        audit.getStringList("trusted-keys").stream().map(Path::of).toList(),
        audit.getDuration("sign-interval"),
        audit.getInt("sign-batch"),
        audit.getDuration("verify-clock-skew"),
        audit.getInt("max-findings-per-chain"));
  }
}
