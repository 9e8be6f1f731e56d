package dev.lattice.orchestrator.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.modelserver.ManualClock;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.session.MemoryPolicy;
import dev.lattice.protocol.session.SessionName;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A session's entity as steps talk to it: every command, event and state goes through the journal's
 * serializer (the testkit round-trips each), and a restart rebuilds the same state.
 */
class SessionEntityTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config());
  private static final SessionStoreSettings SETTINGS =
      new SessionStoreSettings(100, 1000, 1000, 1 << 20);
  private static final MemoryPolicy WINDOW = MemoryPolicy.window(10);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final EventSourcedBehaviorTestKit<
          SessionEntity.Command, SessionEntity.Event, SessionState>
      session =
          EventSourcedBehaviorTestKit.create(
              testKit.system(),
              SessionEntity.create(
                  new SessionKey(TenantId.of("acme"), SessionName.of("u-" + System.nanoTime())),
                  SETTINGS,
                  clock));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private SessionEntity.Appended append(String key, String question, String answer) {
    return session
        .<SessionEntity.Appended>runCommand(
            replyTo ->
                new SessionEntity.Append(
                    key,
                    List.of(
                        new SessionState.Message("user", question),
                        new SessionState.Message("assistant", answer)),
                    "m",
                    "stop",
                    WINDOW,
                    replyTo))
        .reply();
  }

  private SessionEntity.Opened open(String key) {
    return session
        .<SessionEntity.Opened>runCommand(replyTo -> new SessionEntity.Open(key, WINDOW, replyTo))
        .reply();
  }

  @Test
  void aStepAppendsOnceAndItsLaterAttemptsGetItsAnswer() {
    SessionEntity.Opened first = open("r1/a");
    assertThat(first.answered()).isNull();
    assertThat(first.window().messages()).isEmpty();

    SessionEntity.Appended appended = append("r1/a", "h-q1", "h-a1");
    assertThat(appended.now()).isTrue();
    // Another attempt of the same step, with another answer: the first one stays the step's.
    SessionEntity.Appended again = append("r1/a", "h-q1", "h-other");
    assertThat(again.now()).isFalse();
    assertThat(again.held().answerHash()).isEqualTo("h-a1");
    assertThat(open("r1/a").answered().answerHash()).isEqualTo("h-a1");

    SessionEntity.Opened next = open("r2/a");
    assertThat(next.answered()).isNull();
    assertThat(next.window().messages())
        .extracting(SessionState.Entry::hash)
        .containsExactly("h-q1", "h-a1");
  }

  @Test
  void aRestartRebuildsTheSameSession() {
    append("r1/a", "h-q1", "h-a1");
    append("r2/a", "h-q2", "h-a2");
    SessionState before = session.getState();

    session.restart();

    assertThat(session.getState()).isEqualTo(before);
    assertThat(before.messages()).hasSize(4);
  }

  @Test
  void aSummaryIsTakenOnlyOnTheSummaryItWasWrittenOn() {
    append("r1/a", "h-q1", "h-a1");
    append("r2/a", "h-q2", "h-a2");
    SessionEntity.SummaryTaken taken =
        session
            .<SessionEntity.SummaryTaken>runCommand(
                replyTo -> new SessionEntity.Summarise(0, 2, "h-s", replyTo))
            .reply();
    SessionEntity.SummaryTaken late =
        session
            .<SessionEntity.SummaryTaken>runCommand(
                replyTo -> new SessionEntity.Summarise(0, 4, "h-s2", replyTo))
            .reply();

    assertThat(taken.taken()).isTrue();
    assertThat(late.taken()).isFalse();
    assertThat(session.getState().summary()).isEqualTo(new SessionState.Summary("h-s", 2));
  }

  @Test
  void aForgottenSessionNoLongerExistsAndBeginsAnew() {
    assertThat(
            session.<SessionEntity.Forgot>runCommand(SessionEntity.Forget::new).reply().existed())
        .isFalse();
    append("r1/a", "h-q1", "h-a1");

    assertThat(
            session.<SessionEntity.Forgot>runCommand(SessionEntity.Forget::new).reply().existed())
        .isTrue();
    assertThat(
            session.<SessionEntity.Found>runCommand(SessionEntity.Get::new).reply().state().known())
        .isFalse();
    assertThat(append("r1/a", "h-q1", "h-a1").now()).isTrue();
    assertThat(session.getState().appended()).isEqualTo(2);
  }
}
