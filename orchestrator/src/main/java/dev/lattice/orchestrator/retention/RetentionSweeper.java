package dev.lattice.orchestrator.retention;

import dev.lattice.persistence.journal.JdbcRunRetention;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Deletes finished runs once their last change is older than {@code
 * lattice.retention.finished-run-age}: every sweep interval it deletes them batch by batch, each
 * batch one transaction ({@link JdbcRunRetention}), until none is left, then waits for the next
 * sweep. The database work runs on the blocking dispatcher, never on an actor thread. One sweeper
 * runs per cluster (a singleton), and only when retention is on.
 *
 * <p>Ages are measured with the node's clock, the one every event's time comes from.
 */
public final class RetentionSweeper {
  private RetentionSweeper() {}

  /** Messages of the sweeper (all internal). */
  public sealed interface Command {}

  private enum Sweep implements Command {
    INSTANCE
  }

  private record BatchDeleted(JdbcRunRetention.Deleted deleted) implements Command {}

  private record Failed(Throwable cause) implements Command {}

  public static Behavior<Command> create(
      JdbcRunRetention retention,
      String blockingDispatcher,
      RetentionSettings settings,
      Clock clock) {
    Duration age =
        settings
            .finishedRunAge()
            .orElseThrow(() -> new IllegalArgumentException("retention is off"));
    return Behaviors.<Command>setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  // Logged under this class's name, not the name of Pekko's behavior classes.
                  context.setLoggerName(RetentionSweeper.class);
                  timers.startSingleTimer(Sweep.INSTANCE, settings.sweepInterval());
                  Executor blocking =
                      context
                          .getSystem()
                          .dispatchers()
                          .lookup(DispatcherSelector.fromConfig(blockingDispatcher));
                  return new Sweeping(context, timers, retention, blocking, settings, age, clock)
                      .idle();
                }));
  }

  /**
   * The sweeper's wiring; its behaviors are {@link #idle()} and {@link #deleting(Instant, int)}.
   */
  private record Sweeping(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      JdbcRunRetention retention,
      Executor blocking,
      RetentionSettings settings,
      Duration age,
      Clock clock) {

    Behavior<Command> idle() {
      return Behaviors.receive(Command.class)
          .onMessageEquals(
              Sweep.INSTANCE,
              () -> {
                Instant cutoff = clock.instant().minus(age);
                deleteBatch(cutoff);
                return deleting(cutoff, 0);
              })
          .build();
    }

    /** A batch is being deleted; {@code total} runs were deleted by this sweep so far. */
    private Behavior<Command> deleting(Instant cutoff, int total) {
      return Behaviors.receive(Command.class)
          .onMessage(
              BatchDeleted.class,
              batch -> {
                int deleted = batch.deleted().runIds().size();
                context
                    .getLog()
                    .debug(
                        "retention deleted runs {} ({} events)",
                        batch.deleted().runIds(),
                        batch.deleted().events());
                if (deleted == settings.batchSize()) {
                  // Maybe more: the next batch at once, with the same cutoff.
                  deleteBatch(cutoff);
                  return deleting(cutoff, total + deleted);
                }
                if (total + deleted > 0) {
                  context
                      .getLog()
                      .info(
                          "retention deleted {} finished runs last changed before {}",
                          total + deleted,
                          cutoff);
                }
                timers.startSingleTimer(Sweep.INSTANCE, settings.sweepInterval());
                return idle();
              })
          .onMessage(
              Failed.class,
              failed -> {
                context.getLog().warn("retention could not delete finished runs", failed.cause());
                timers.startSingleTimer(Sweep.INSTANCE, settings.sweepInterval());
                return idle();
              })
          .build();
    }

    private void deleteBatch(Instant cutoff) {
      CompletableFuture<JdbcRunRetention.Deleted> batch =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return retention.deleteFinishedBefore(cutoff, settings.batchSize());
                } catch (SQLException e) {
                  throw new CompletionException(e);
                }
              },
              blocking);
      context.pipeToSelf(
          batch,
          (deleted, failure) -> failure != null ? new Failed(failure) : new BatchDeleted(deleted));
    }
  }
}
