package dev.lattice.orchestrator.run;

import dev.lattice.persistence.journal.NewPersistenceIds;
import java.time.Duration;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;

/**
 * The fresh-run shortcut: a run entity waits for its first message to choose how to recover. A
 * {@link RunEntity.StartRun} whose id the caller has just drawn at random ({@code fresh}) cannot
 * have events, so that run skips replaying its journal; everything else recovers as usual.
 */
final class RecoveryChoice {
  private RecoveryChoice() {}

  /**
   * Waits for the first message, then becomes {@code eventSourced} (given whether the run is fresh)
   * with that message. It is supervised from outside that choice, so a restart after a failed write
   * waits for its next message and recovers from the journal.
   */
  static Behavior<RunEntity.Command> firstMessageDecides(
      Function<Boolean, Behavior<RunEntity.Command>> eventSourced) {
    Behavior<RunEntity.Command> firstMessageDecides =
        Behaviors.withStash(
            1,
            stash ->
                Behaviors.receive(RunEntity.Command.class)
                    .onAnyMessage(
                        first -> {
                          boolean fresh =
                              first instanceof RunEntity.StartRun start && start.fresh();
                          stash.stash(first);
                          return stash.unstashAll(eventSourced.apply(fresh));
                        })
                    .build());
    return Behaviors.supervise(firstMessageDecides)
        .onFailure(
            SupervisorStrategy.restartWithBackoff(
                Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
  }

  /** Tells the journal that {@code id} has no events, so it need not look for its highest one. */
  static void announceFresh(ActorSystem<?> system, PersistenceId id) {
    NewPersistenceIds.get(Adapter.toClassic(system)).announce(id.id());
  }
}
