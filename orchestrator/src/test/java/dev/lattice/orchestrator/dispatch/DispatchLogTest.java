package dev.lattice.orchestrator.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.BusKey;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class DispatchLogTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config());
  private static final DispatchSettings SETTINGS =
      new DispatchSettings(
          Duration.ofMillis(100), 1000, 1000, Duration.ofMillis(50), 1000, Duration.ofSeconds(60));

  private final TestProbe<DispatchLog.Recovered> owner = testKit.createTestProbe();
  private final EventSourcedBehaviorTestKit<DispatchLog.Command, DispatchLog.Batch, DispatcherState>
      log =
          EventSourcedBehaviorTestKit.create(
              testKit.system(),
              DispatchLog.create(
                  new BusKey("agent", "echo", 0, TenantId.of("t" + System.nanoTime())),
                  owner.ref(),
                  SETTINGS,
                  Clock.systemUTC()));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static Assignment assignment(String step) {
    return new Assignment(
        RunId.of("run-1"),
        step,
        1,
        null,
        "echo",
        null,
        null,
        1000,
        JsonNodeFactory.instance.nullNode(),
        TenantId.DEFAULT);
  }

  private static DispatchLog.Batch accepted(String step, long ticket, String agent) {
    Assignment a = assignment(step);
    List<DispatchLog.Route> routes =
        agent == null
            ? List.of()
            : List.of(new DispatchLog.Route(a.idempotencyKey(), AgentId.of(agent)));
    return new DispatchLog.Batch(
        List.of(new DispatchLog.Accepted(a, ticket)), routes, List.of(), Instant.now());
  }

  @Test
  void urgentDecisionsAreWrittenAtOnceTogetherWithThoseWaiting() {
    owner.expectMessageClass(DispatchLog.Recovered.class);
    assertThat(log.runCommand(new DispatchLog.Record(accepted("s1", 1, "a"), false)).events())
        .isEmpty();
    var urgent = log.runCommand(new DispatchLog.Record(accepted("s2", 2, null), true));
    DispatchLog.Batch written = urgent.event();
    assertThat(written.accepted())
        .extracting(a -> a.assignment().stepId())
        .containsExactly("s1", "s2");
    assertThat(urgent.state().queuedKeys()).containsExactly("run-1/s2/1");
    assertThat(urgent.state().inFlightCount()).isEqualTo(1);
  }

  @Test
  void otherDecisionsAreWrittenWithinTheRecordDelay() {
    log.runCommand(new DispatchLog.Record(accepted("s1", 1, "a"), false));
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(3),
            () -> {
              assertThat(log.getState().inFlightCount()).isEqualTo(1);
              return null;
            });
  }

  @Test
  void aRestartRecoversTheQueueAndTellsTheDispatcher() {
    owner.expectMessageClass(DispatchLog.Recovered.class);
    log.runCommand(new DispatchLog.Record(accepted("s1", 1, null), true));
    Assignment s1 = assignment("s1");
    log.runCommand(
        new DispatchLog.Record(
            new DispatchLog.Batch(
                List.of(), List.of(), List.of(s1.idempotencyKey()), Instant.now()),
            true));
    log.runCommand(new DispatchLog.Record(accepted("s2", 2, null), true));
    DispatcherState recovered = log.restart().state();
    assertThat(recovered.queuedKeys()).containsExactly("run-1/s2/1");
    assertThat(recovered.lastTicket()).isEqualTo(2);
    assertThat(owner.expectMessageClass(DispatchLog.Recovered.class).state()).isEqualTo(recovered);
  }
}
