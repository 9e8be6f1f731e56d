package dev.lattice.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.run.core.RunState;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * Reads the snapshots written while {@link RunState} lived in this package: a snapshot's manifest
 * names the class it was written from, and a run recovering from such a snapshot must still find
 * it. Registered under the old name in {@code pekko.serialization.jackson.migrations}; the JSON is
 * unchanged.
 */
public final class RunStateMoved extends JacksonMigration {
  /** The class name that snapshots written before the move carry in their manifest. */
  public static final String OLD_NAME = "dev.lattice.orchestrator.run.RunState";

  @Override
  public int currentVersion() {
    // Above the version of old snapshots (1, no migration), so the rename is applied to them.
    return 2;
  }

  @Override
  public String transformClassName(int fromVersion, String className) {
    return RunState.class.getName();
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    return json;
  }
}
