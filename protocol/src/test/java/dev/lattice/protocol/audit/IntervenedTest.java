package dev.lattice.protocol.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunChange;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The run events that are interventions say who did what, when and why, for the run's audit chain;
 * an automatic retry is none, and its public form does not change.
 */
class IntervenedTest {
  private static final Instant AT = Instant.parse("2026-06-01T12:00:00Z");

  @Test
  void eachInterventionEventNamesItsInterventionAndAnAutomaticRetryNone() {
    var output = JsonNodeFactory.instance.objectNode();
    assertThat(new RunChange.RunPaused("ops", "maintenance", AT).auditedIntervention())
        .isEqualTo(InterventionEntry.accepted(AT, "pause", null, null, "ops", "maintenance"));
    assertThat(new RunChange.RunResumed("ops", null, AT).auditedIntervention().type())
        .isEqualTo("resume");
    assertThat(new RunChange.RunCancelled("api", "not needed", AT).auditedIntervention().type())
        .isEqualTo("cancel");
    assertThat(
            new RunChange.StepSignalled("ok", "approve", output, "alice", "fine", AT)
                .auditedIntervention())
        .isEqualTo(InterventionEntry.accepted(AT, "signal", "ok", "approve", "alice", "fine"));
    assertThat(
            new RunChange.StepOverridden("s", output, "ops", "by hand", AT).auditedIntervention())
        .isEqualTo(InterventionEntry.accepted(AT, "override", "s", null, "ops", "by hand"));
    assertThat(
            new RunChange.StepRetryScheduled("u", 2, AT, "ops", "not sent", AT)
                .auditedIntervention())
        .isEqualTo(InterventionEntry.accepted(AT, "retry", "u", null, "ops", "not sent"));
    RunChange.StepRetryScheduled automatic = new RunChange.StepRetryScheduled("a", 2, AT, AT);
    assertThat(automatic.auditedIntervention()).isNull();
    assertThat(automatic.toEvent(RunId.of("r"), 3).data().has("actor")).isFalse();
  }
}
