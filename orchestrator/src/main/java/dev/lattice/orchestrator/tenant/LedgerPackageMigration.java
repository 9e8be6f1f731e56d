package dev.lattice.orchestrator.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * Reads the ledger's events and snapshots written while {@link TenantLedger} lived in the {@code
 * policy} package. Jackson's serializer names the class in each record's manifest, so records
 * written before the move name {@code dev.lattice.orchestrator.policy.TenantLedger$...} (the
 * snapshot {@code TenantLedger$State}, now {@link LedgerState}); their JSON is unchanged, only the
 * class they are read into is. Registered for each old name in {@code
 * pekko.serialization.jackson.migrations} (lattice-node.conf).
 */
public final class LedgerPackageMigration extends JacksonMigration {
  /** Where the ledger's classes were before they moved. */
  static final String OLD_PREFIX = "dev.lattice.orchestrator.policy.TenantLedger$";

  // Manifests written before the move carry no version, which the serializer reads as 1: a current
  // version above it makes the serializer ask this migration which class to read them into.
  private static final int CURRENT_VERSION = 2;

  @Override
  public int currentVersion() {
    return CURRENT_VERSION;
  }

  @Override
  public String transformClassName(int fromVersion, String className) {
    if (!className.startsWith(OLD_PREFIX)) {
      return className;
    }
    String nested = className.substring(OLD_PREFIX.length());
    // The snapshot was TenantLedger.State; it has a file of its own now.
    return nested.equals("State")
        ? LedgerState.class.getName()
        : TenantLedger.class.getName() + "$" + nested;
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    return json;
  }
}
