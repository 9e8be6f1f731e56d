package dev.lattice.protocol.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
  private static final Duration DELAY = Duration.ofMillis(100);
  private static final int BATCH = 3;
  private static final Duration QUIET = Duration.ofMillis(200);

  /** An owner that writes in a flush message of its own, as a worker agent does. */
  private sealed interface Msg {}

  private record Add(String item, boolean urgent) implements Msg {}

  /** Items that arrive one after another before the owner hears anything else. */
  private record Burst(List<Add> adds) implements Msg {}

  /** Report what has gathered and not been written. */
  private record Peek(ActorRef<List<String>> replyTo) implements Msg {}

  private enum Flush implements Msg {
    INSTANCE
  }

  private ActorTestKit testKit;
  private ManualTime time;
  private TestProbe<List<String>> written;

  @BeforeEach
  void start() {
    testKit = ActorTestKit.create(ManualTime.config());
    time = ManualTime.get(testKit.system());
    written = testKit.createTestProbe();
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  private ActorRef<Msg> owner() {
    Behavior<Msg> behavior =
        Behaviors.setup(
            context ->
                Behaviors.withTimers(
                    timers -> {
                      GroupCommit<String, Msg> commit =
                          new GroupCommit<>(timers, Flush.INSTANCE, DELAY, BATCH);
                      return Behaviors.receiveMessage(
                          msg -> {
                            if (msg instanceof Add add) {
                              arrive(commit, add, context.getSelf());
                            } else if (msg instanceof Burst burst) {
                              burst.adds().forEach(add -> arrive(commit, add, context.getSelf()));
                            } else if (msg instanceof Peek peek) {
                              peek.replyTo().tell(List.copyOf(commit.gathered()));
                            } else {
                              written.ref().tell(commit.take());
                            }
                            return Behaviors.same();
                          });
                    }));
    return testKit.spawn(behavior);
  }

  private static void arrive(GroupCommit<String, Msg> commit, Add add, ActorRef<Msg> self) {
    commit.add(add.item());
    if (commit.due(add.urgent())) {
      commit.flushSoon(self);
    }
  }

  /** Waits until {@code owner} has handled every message sent before, and says what gathered. */
  private List<String> gathered(ActorRef<Msg> owner) {
    TestProbe<List<String>> peek = testKit.createTestProbe();
    owner.tell(new Peek(peek.ref()));
    return peek.receiveMessage();
  }

  @Test
  void writesWhatGatheredOnceTheDelayAfterTheFirstItemHasPassed() {
    ActorRef<Msg> owner = owner();
    owner.tell(new Add("a", false));
    gathered(owner);
    time.timePasses(DELAY.minusMillis(1));
    owner.tell(new Add("b", false));
    assertEquals(List.of("a", "b"), gathered(owner));
    written.expectNoMessage(QUIET);

    // The second item did not re-arm the timer: both go when the first one's delay is over.
    time.timePasses(Duration.ofMillis(1));
    assertEquals(List.of("a", "b"), written.receiveMessage());
    assertEquals(List.of(), gathered(owner));
  }

  @Test
  void writesAtOnceWhenTheBatchIsFullAndDisarmsTheTimer() {
    ActorRef<Msg> owner = owner();
    owner.tell(new Burst(List.of(new Add("a", false), new Add("b", false), new Add("c", false))));
    assertEquals(List.of("a", "b", "c"), written.receiveMessage());

    // The timer armed by the first item went with the write: no empty flush follows.
    time.timePasses(DELAY.multipliedBy(2));
    written.expectNoMessage(QUIET);
  }

  @Test
  void urgentItemsArrivingBeforeTheFlushJoinOneWrite() {
    ActorRef<Msg> owner = owner();
    owner.tell(new Burst(List.of(new Add("a", true), new Add("b", true), new Add("c", false))));
    assertEquals(List.of("a", "b", "c"), written.receiveMessage());

    // One flush was sent, not one per urgent item, and no timer was armed behind it.
    written.expectNoMessage(QUIET);
    time.timePasses(DELAY.multipliedBy(2));
    written.expectNoMessage(QUIET);
  }

  @Test
  void aWriteEndsTheFlushOnItsWaySoLaterItemsScheduleTheirOwn() {
    ActorRef<Msg> owner = owner();
    owner.tell(new Add("a", true));
    assertEquals(List.of("a"), written.receiveMessage());

    owner.tell(new Add("b", true));
    assertEquals(List.of("b"), written.receiveMessage());

    owner.tell(new Add("c", false));
    gathered(owner);
    time.timePasses(DELAY);
    assertEquals(List.of("c"), written.receiveMessage());
  }

  @Test
  void withoutABatchSizeOnlyUrgencyMakesItemsDueAndBelowOneIsRefused() {
    testKit.spawn(
        Behaviors.<Msg>withTimers(
            timers -> {
              assertThrows(
                  IllegalArgumentException.class,
                  () -> new GroupCommit<String, Msg>(timers, Flush.INSTANCE, DELAY, 0));
              GroupCommit<String, Msg> unbounded = new GroupCommit<>(timers, Flush.INSTANCE, DELAY);
              for (int i = 0; i < BATCH * BATCH; i++) {
                unbounded.add("item-" + i);
                assertFalse(unbounded.due());
              }
              assertTrue(unbounded.due(true));
              assertEquals(BATCH * BATCH, unbounded.take().size());
              assertTrue(unbounded.isEmpty());
              written.ref().tell(List.of("checked"));
              return Behaviors.empty();
            }));
    assertEquals(List.of("checked"), written.receiveMessage());
  }
}
