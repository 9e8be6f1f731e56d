package dev.lattice.persistence.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.persistence.query.RunEventCursor.Action;
import dev.lattice.persistence.query.RunEventCursor.CheckExistence;
import dev.lattice.persistence.query.RunEventCursor.Complete;
import dev.lattice.persistence.query.RunEventCursor.Emit;
import dev.lattice.persistence.query.RunEventCursor.Fail;
import dev.lattice.persistence.query.RunEventCursor.Idle;
import dev.lattice.persistence.query.RunEventCursor.Read;
import dev.lattice.persistence.query.RunEventCursor.Subscribe;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunEventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class RunEventCursorTest {
  private static final RunId RUN = RunId.of("r1");
  private static final int PAGE = 4;

  private static RunEvent event(long seq) {
    return new RunEvent(RUN.value(), seq, Instant.EPOCH, "step.succeeded", "s", 1, null);
  }

  private static RunEvent end(long seq) {
    return new RunEvent(
        RUN.value(), seq, Instant.EPOCH, RunEventType.RUN_COMPLETED, null, null, null);
  }

  private static List<RunEvent> events(long from, long to) {
    return LongStream.rangeClosed(from, to).mapToObj(RunEventCursorTest::event).toList();
  }

  /** Every action the cursor wants now, up to the first {@link Idle}. */
  private static List<Action> actions(RunEventCursor cursor) {
    List<Action> actions = new ArrayList<>();
    for (Action a = cursor.next(); a != Idle.INSTANCE; a = cursor.next()) {
      actions.add(a);
    }
    return actions;
  }

  /** Delivers everything the cursor emits, and returns the other actions in order. */
  private static List<Action> deliverAll(RunEventCursor cursor, List<Long> delivered) {
    List<Action> others = new ArrayList<>();
    for (Action a = cursor.next(); a != Idle.INSTANCE; a = cursor.next()) {
      if (a instanceof Emit emit) {
        delivered.add(emit.event().seq());
        cursor.delivered();
      } else {
        others.add(a);
      }
    }
    return others;
  }

  private static Emit emit(long seq) {
    return new Emit(event(seq));
  }

  /** A cursor that has read the journal up to {@code last} (delivered) and subscribed. */
  private static RunEventCursor liveAfter(long last) {
    RunEventCursor cursor = new RunEventCursor(RUN, 1, PAGE, false);
    assertThat(actions(cursor)).containsExactly(new Read(1));
    cursor.pageRead(events(1, last));
    List<Long> delivered = new ArrayList<>();
    assertThat(deliverAll(cursor, delivered)).containsExactly(Subscribe.INSTANCE);
    assertThat(delivered).hasSize((int) last);
    return cursor;
  }

  @Test
  void readsTheFirstPageBeforeSubscribingAndSubscribesOnceCaughtUp() {
    RunEventCursor cursor = new RunEventCursor(RUN, 1, PAGE, false);
    assertThat(actions(cursor)).containsExactly(new Read(1));

    cursor.pageRead(events(1, 2));

    assertThat(actions(cursor)).containsExactly(emit(1), Subscribe.INSTANCE);
    cursor.delivered();
    assertThat(actions(cursor)).containsExactly(emit(2));
    cursor.subscribed(2, false);
    cursor.delivered();
    assertThat(actions(cursor)).isEmpty();
  }

  @Test
  void aFinishedRunIsReplayedPageByPageWithoutEverSubscribing() {
    RunEventCursor cursor = new RunEventCursor(RUN, 1, PAGE, true);
    List<Long> delivered = new ArrayList<>();
    assertThat(deliverAll(cursor, delivered)).containsExactly(new Read(1));
    cursor.pageRead(events(1, 4));
    assertThat(deliverAll(cursor, delivered)).containsExactly(new Read(5));
    cursor.pageRead(List.of(event(5), end(6)));

    assertThat(deliverAll(cursor, delivered)).containsExactly(Complete.INSTANCE);
    assertThat(delivered).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
  }

  @Test
  void aPageThatEndsTheRunEndsTheStreamOnceTheTerminalEventIsDelivered() {
    // The run was still going when it was looked up, and ended before the read.
    RunEventCursor cursor = new RunEventCursor(RUN, 1, PAGE, false);
    actions(cursor);
    cursor.pageRead(List.of(event(1), end(2)));

    assertThat(actions(cursor)).containsExactly(emit(1));
    cursor.delivered();
    assertThat(actions(cursor)).containsExactly(new Emit(end(2)));
    assertThat(cursor.resubscribe()).isFalse();
    cursor.delivered();
    assertThat(actions(cursor)).containsExactly(Complete.INSTANCE);
    assertThat(actions(cursor)).isEmpty();
  }

  @Test
  void aCursorPastTheEndOfAFinishedRunEndsAtOnceWithoutAskingTheRun() {
    RunEventCursor cursor = new RunEventCursor(RUN, 1000, PAGE, true);
    assertThat(actions(cursor)).containsExactly(new Read(1000));

    cursor.pageRead(List.of());

    assertThat(actions(cursor)).containsExactly(Complete.INSTANCE);
  }

  @Test
  void aCursorPastTheEndOfARunNotKnownToHaveEndedEndsWhenTheRunSaysItHas() {
    RunEventCursor cursor = new RunEventCursor(RUN, 1000, PAGE, false);
    actions(cursor);
    cursor.pageRead(List.of());
    assertThat(actions(cursor)).containsExactly(Subscribe.INSTANCE);

    cursor.subscribed(6, true);

    assertThat(actions(cursor)).containsExactly(Complete.INSTANCE);
  }

  @Test
  void aCursorPastTheEndOfALiveRunWaitsAndEndsWhenAPushShowsTheEndBeforeIt() {
    RunEventCursor cursor = new RunEventCursor(RUN, 1000, PAGE, false);
    actions(cursor);
    cursor.pageRead(List.of());
    actions(cursor);
    cursor.subscribed(6, false);
    assertThat(actions(cursor)).as("nothing to read before the cursor").isEmpty();
    cursor.published(List.of(event(7)));
    assertThat(actions(cursor)).isEmpty();

    cursor.published(List.of(end(8)));

    assertThat(actions(cursor)).containsExactly(Complete.INSTANCE);
  }

  @Test
  void aRunWithoutAFirstEventIsUnknown() {
    RunEventCursor cursor = new RunEventCursor(RUN, 1, PAGE, false);
    actions(cursor);

    cursor.pageRead(List.of());

    assertFailsAsUnknownRun(cursor);
    assertThat(actions(cursor)).isEmpty();
  }

  @Test
  void inOrderPushesAreEmittedWithoutReadingTheJournal() {
    RunEventCursor cursor = liveAfter(2);
    cursor.subscribed(2, false);
    assertThat(actions(cursor)).isEmpty();

    cursor.published(List.of(event(3)));
    assertThat(actions(cursor)).containsExactly(emit(3));
    cursor.published(List.of(event(4), event(5)));
    assertThat(actions(cursor)).as("one element at a time").isEmpty();
    cursor.delivered();
    assertThat(actions(cursor)).containsExactly(emit(4));
    cursor.delivered();
    assertThat(actions(cursor)).containsExactly(emit(5));
  }

  @Test
  void pushesAheadOfAGapReadTheJournalFromTheCursor() {
    RunEventCursor cursor = liveAfter(2);
    cursor.subscribed(2, false);

    cursor.published(List.of(event(5)));
    assertThat(actions(cursor)).containsExactly(new Read(3));
    cursor.published(List.of(event(6)));
    assertThat(actions(cursor)).as("one read at a time").isEmpty();

    cursor.pageRead(events(3, 5));
    List<Long> delivered = new ArrayList<>();
    assertThat(deliverAll(cursor, delivered)).containsExactly(new Read(6));
    cursor.pageRead(events(6, 6));
    assertThat(deliverAll(cursor, delivered)).isEmpty();
    assertThat(delivered).containsExactly(3L, 4L, 5L, 6L);

    cursor.published(List.of(event(7)));
    assertThat(actions(cursor)).as("caught up: pushes are emitted again").containsExactly(emit(7));
  }

  @Test
  void aSubscriptionAnswerAheadOfTheJournalReadReadsAgain() {
    // Events persisted between the last read and the subscription were pushed to nobody.
    RunEventCursor cursor = liveAfter(2);

    cursor.subscribed(4, false);

    assertThat(actions(cursor)).containsExactly(new Read(3));
  }

  @Test
  void duplicatesArriveOnce() {
    RunEventCursor cursor = liveAfter(2);
    cursor.subscribed(2, false);
    cursor.published(List.of(event(2)));
    assertThat(actions(cursor)).as("a push already read").isEmpty();

    cursor.published(List.of(event(3)));
    cursor.published(List.of(event(5)));
    List<Long> delivered = new ArrayList<>();
    assertThat(deliverAll(cursor, delivered)).containsExactly(new Read(4));
    cursor.pageRead(events(3, 5));
    deliverAll(cursor, delivered);
    cursor.published(List.of(event(4), event(5)));
    deliverAll(cursor, delivered);

    assertThat(delivered).containsExactly(3L, 4L, 5L);
  }

  @Test
  void aSlowReaderHoldsAtMostAPageAndReadsOnlyWhenItHasNearlyDeliveredIt() {
    RunEventCursor cursor = liveAfter(1);
    cursor.subscribed(1, false);
    cursor.published(events(2, 12));
    assertThat(actions(cursor)).containsExactly(emit(2));

    // Pushes beyond a page held are left to the journal, read once half of it is delivered.
    List<Action> whileDelivering = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      cursor.delivered();
      whileDelivering.addAll(actions(cursor));
    }
    assertThat(whileDelivering).containsExactly(emit(3), new Read(6), emit(4), emit(5));
  }

  @Test
  void aHoleInTheJournalFailsTheStream() {
    RunEventCursor cursor = new RunEventCursor(RUN, 1, PAGE, false);
    actions(cursor);

    cursor.pageRead(List.of(event(1), event(3)));

    assertThat(actions(cursor))
        .singleElement()
        .isInstanceOfSatisfying(
            Fail.class,
            fail -> assertThat(fail.cause()).hasMessageContaining("has no event 2 (next is 3)"));
  }

  @Test
  void aRunDeletedUnderALiveStreamIsUnknown() {
    RunEventCursor cursor = liveAfter(2);
    cursor.subscribed(6, false);
    assertThat(actions(cursor)).containsExactly(new Read(3));

    cursor.pageRead(List.of());
    assertThat(actions(cursor)).containsExactly(CheckExistence.INSTANCE);
    cursor.existence(false);

    assertFailsAsUnknownRun(cursor);
  }

  @Test
  void aRunStillThereAfterAnEmptyReadIsReadAgainOnlyOnceTheJournalSaysSo() {
    RunEventCursor cursor = liveAfter(2);
    cursor.subscribed(6, false);
    actions(cursor);
    cursor.pageRead(List.of());
    assertThat(actions(cursor)).containsExactly(CheckExistence.INSTANCE);

    cursor.existence(true);

    assertThat(actions(cursor)).containsExactly(new Read(3));
  }

  @Test
  void aRunThatAnswersWithFewerEventsThanWereReadIsCheckedAndGoesOnIfItIsThere() {
    RunEventCursor cursor = liveAfter(3);

    cursor.subscribed(0, false);
    assertThat(actions(cursor)).containsExactly(CheckExistence.INSTANCE);
    cursor.existence(true);

    assertThat(actions(cursor)).isEmpty();
    cursor.published(List.of(event(4)));
    assertThat(actions(cursor)).containsExactly(emit(4));
  }

  @Test
  void aFinishedRunDeletedDuringItsReplayIsUnknown() {
    RunEventCursor cursor = new RunEventCursor(RUN, 1, PAGE, true);
    List<Long> delivered = new ArrayList<>();
    deliverAll(cursor, delivered);
    cursor.pageRead(events(1, 4));
    assertThat(deliverAll(cursor, delivered)).containsExactly(new Read(5));

    cursor.pageRead(List.of());
    assertThat(actions(cursor)).containsExactly(CheckExistence.INSTANCE);
    cursor.existence(false);

    assertFailsAsUnknownRun(cursor);
  }

  @Test
  void aFinishedRunWhoseJournalLacksItsEndButStillExistsAsksTheRun() {
    RunEventCursor cursor = new RunEventCursor(RUN, 1, PAGE, true);
    actions(cursor);
    cursor.pageRead(events(1, 2));
    List<Long> delivered = new ArrayList<>();
    assertThat(deliverAll(cursor, delivered)).containsExactly(CheckExistence.INSTANCE);

    cursor.existence(true);

    assertThat(actions(cursor)).containsExactly(Subscribe.INSTANCE);
    assertThat(cursor.resubscribe()).isTrue();
  }

  @Test
  void aStreamHoldingTheTerminalEventEndsAsUsualIfTheRunIsThenDeleted() {
    RunEventCursor cursor = liveAfter(2);
    cursor.subscribed(2, false);
    cursor.published(List.of(end(3)));
    assertThat(actions(cursor)).containsExactly(new Emit(end(3)));

    cursor.existence(false);
    cursor.delivered();

    assertThat(actions(cursor)).containsExactly(Complete.INSTANCE);
  }

  @Test
  void onlyALiveStreamThatHasNotEndedSubscribesAgain() {
    RunEventCursor replaying = new RunEventCursor(RUN, 1, PAGE, false);
    actions(replaying);
    assertThat(replaying.resubscribe()).as("still replaying").isFalse();

    RunEventCursor live = liveAfter(2);
    assertThat(live.resubscribe()).isTrue();
    live.subscribed(5, true);
    assertThat(actions(live)).containsExactly(new Read(3));
    assertThat(live.resubscribe()).as("the end is not read yet").isTrue();
    live.pageRead(List.of(event(3), event(4), end(5)));
    assertThat(live.resubscribe()).as("the terminal event is queued").isFalse();
  }

  /** The cursor's only action now is to fail the stream: its run has no journal. */
  private static void assertFailsAsUnknownRun(RunEventCursor cursor) {
    assertThat(actions(cursor))
        .singleElement()
        .isInstanceOfSatisfying(
            Fail.class, fail -> assertThat(fail.cause()).isInstanceOf(UnknownRunException.class));
  }
}
