package dev.lattice.persistence.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.persistence.query.RunEventCursor.Action;
import dev.lattice.persistence.query.RunEventCursor.Complete;
import dev.lattice.persistence.query.RunEventCursor.Emit;
import dev.lattice.persistence.query.RunEventCursor.EmitDelta;
import dev.lattice.persistence.query.RunEventCursor.Idle;
import dev.lattice.persistence.query.RunEventCursor.Read;
import dev.lattice.persistence.query.RunEventCursor.Subscribe;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunEventType;
import dev.lattice.protocol.run.StepDelta;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The streamed text a cursor passes on between a run's events. */
class RunEventCursorDeltaTest {
  private static final RunId RUN = RunId.of("r1");
  private static final int PAGE = 4;

  private static RunEvent event(long seq, String type) {
    return new RunEvent(RUN.value(), seq, Instant.EPOCH, type, "s", 1, null);
  }

  private static StepDelta delta(long offset, String text) {
    return StepDelta.of(RUN.value(), "s", 1, 1, offset, offset == 0, text, Instant.EPOCH);
  }

  private static List<Action> actions(RunEventCursor cursor) {
    List<Action> actions = new ArrayList<>();
    for (Action a = cursor.next(); a != Idle.INSTANCE; a = cursor.next()) {
      actions.add(a);
    }
    return actions;
  }

  /** A cursor that read event 1, delivered it, and went live. */
  private static RunEventCursor live() {
    RunEventCursor cursor = new RunEventCursor(RUN, 1, PAGE, false, new DeltaQueue(8, 1000));
    assertThat(actions(cursor)).containsExactly(new Read(1));
    cursor.pageRead(List.of(event(1, "run.started")));
    assertThat(actions(cursor))
        .containsExactly(new Emit(event(1, "run.started")), Subscribe.INSTANCE);
    cursor.subscribed(1, false);
    cursor.delivered();
    assertThat(actions(cursor)).isEmpty();
    return cursor;
  }

  @Test
  void passesTextOnWhileLiveAndMergesWhatArrivesWhileDownstreamIsBusy() {
    RunEventCursor cursor = live();
    cursor.delta(delta(0, "Hel"));
    assertThat(actions(cursor)).containsExactly(new EmitDelta(delta(0, "Hel")));

    cursor.delta(delta(3, "lo "));
    cursor.delta(delta(6, "world"));
    assertThat(actions(cursor)).isEmpty();
    cursor.delivered();

    assertThat(actions(cursor))
        .containsExactly(
            new EmitDelta(
                StepDelta.of(RUN.value(), "s", 1, 1, 3, false, "lo world", Instant.EPOCH)));
  }

  @Test
  void textNeverHoldsBackTheRunsEventsAndIsPassedOnBeforeTheStreamEnds() {
    RunEventCursor cursor = live();
    cursor.delta(delta(0, "a"));
    assertThat(actions(cursor)).hasSize(1);
    cursor.delta(delta(1, "b"));
    cursor.published(List.of(event(2, "step.succeeded"), event(3, RunEventType.RUN_COMPLETED)));
    cursor.delta(delta(2, "c"));

    List<Object> delivered = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      cursor.delivered();
      List<Action> now = actions(cursor);
      delivered.addAll(now);
      if (now.contains(Complete.INSTANCE)) {
        break;
      }
    }

    // Events and text take turns; the text pending at the end still goes before completion.
    assertThat(delivered)
        .containsExactly(
            new Emit(event(2, "step.succeeded")),
            new EmitDelta(StepDelta.of(RUN.value(), "s", 1, 1, 1, false, "b", Instant.EPOCH)),
            new Emit(event(3, RunEventType.RUN_COMPLETED)),
            Complete.INSTANCE);
  }

  @Test
  void dropsTextBeforeGoingLiveAndWhenTheStreamDoesNotWantIt() {
    RunEventCursor catchingUp = new RunEventCursor(RUN, 1, PAGE, false, new DeltaQueue(8, 1000));
    catchingUp.delta(delta(0, "early"));
    assertThat(actions(catchingUp)).containsExactly(new Read(1));

    RunEventCursor eventsOnly = new RunEventCursor(RUN, 1, PAGE, false);
    actions(eventsOnly);
    eventsOnly.pageRead(List.of(event(1, "run.started")));
    actions(eventsOnly);
    eventsOnly.subscribed(1, false);
    eventsOnly.delivered();
    eventsOnly.delta(delta(0, "text"));
    assertThat(actions(eventsOnly)).isEmpty();
  }
}
