package dev.lattice.orchestrator.node;

import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.ids.RunId;
import java.util.Locale;

/** The run's lifecycle does not allow the intervention (e.g. resuming a completed run). */
public final class InterventionRefusedException extends RuntimeException {
  public InterventionRefusedException(RunId runId, InterventionType type, String why) {
    super("cannot " + type.name().toLowerCase(Locale.ROOT) + " run " + runId.value() + ": " + why);
  }
}
