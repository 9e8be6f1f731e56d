package dev.lattice.orchestrator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunEventType;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks on a run's event stream. */
public final class RunEvents {
  private RunEvents() {}

  /**
   * The stream starts at seq 1, has no gap, ends with exactly one terminal event and no step
   * succeeds twice.
   */
  public static void assertWellFormed(List<RunEvent> events) {
    assertThat(events).isNotEmpty();
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).seq()).as("seq of event %d", i).isEqualTo(i + 1L);
    }
    assertThat(events.get(events.size() - 1).terminal()).as("last event is terminal").isTrue();
    assertThat(events.stream().filter(RunEvent::terminal)).hasSize(1);
    Set<String> succeeded = new HashSet<>();
    for (RunEvent event : events) {
      if (RunEventType.STEP_SUCCEEDED.equals(event.type())) {
        assertThat(succeeded.add(event.stepId()))
            .as("step %s succeeded once", event.stepId())
            .isTrue();
      }
    }
  }

  public static List<String> types(List<RunEvent> events) {
    return events.stream()
        .map(e -> e.type() + (e.stepId() == null ? "" : ":" + e.stepId()))
        .toList();
  }
}
