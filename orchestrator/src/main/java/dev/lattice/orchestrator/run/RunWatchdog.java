package dev.lattice.orchestrator.run;

import dev.lattice.persistence.readmodel.JdbcRunIndex;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Makes sure no unfinished run sits idle: shortly after start-up and then periodically, it reads
 * the run index page by page and sends every unfinished run a {@code Resume}. A run that is alive
 * ignores it; one that is not (its node crashed, or the whole system restarted) starts, recovers
 * from its journal and carries on. One watchdog runs per cluster (a singleton).
 */
public final class RunWatchdog {
  private RunWatchdog() {}

  /** Messages of the watchdog (all internal). */
  public sealed interface Command {}

  private enum Sweep implements Command {
    INSTANCE
  }

  private record Page(List<String> runIds) implements Command {}

  private record Failed(Throwable cause) implements Command {}

  /**
   * @param initialDelay when to sweep first after start
   * @param interval the time between sweeps
   * @param pageSize unfinished runs read (and woken) per page
   * @param pageDelay the pause between pages, so a large backlog does not wake all at once
   */
  public static Behavior<Command> create(
      JdbcRunIndex index,
      String blockingDispatcher,
      Duration initialDelay,
      Duration interval,
      int pageSize,
      Duration pageDelay) {
    return Behaviors.<Command>setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  timers.startSingleTimer(Sweep.INSTANCE, initialDelay);
                  Executor blocking =
                      context
                          .getSystem()
                          .dispatchers()
                          .lookup(DispatcherSelector.fromConfig(blockingDispatcher));
                  return idle(context, timers, index, blocking, interval, pageSize, pageDelay);
                }));
  }

  private static Behavior<Command> idle(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      JdbcRunIndex index,
      Executor blocking,
      Duration interval,
      int pageSize,
      Duration pageDelay) {
    return Behaviors.receive(Command.class)
        .onMessageEquals(
            Sweep.INSTANCE,
            () -> {
              read(context, index, blocking, "", pageSize);
              return sweeping(context, timers, index, blocking, interval, pageSize, pageDelay, 0);
            })
        .build();
  }

  private static Behavior<Command> sweeping(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      JdbcRunIndex index,
      Executor blocking,
      Duration interval,
      int pageSize,
      Duration pageDelay,
      int woken) {
    ClusterSharding sharding = ClusterSharding.get(context.getSystem());
    return Behaviors.receive(Command.class)
        .onMessage(
            Page.class,
            page -> {
              for (String runId : page.runIds()) {
                sharding
                    .entityRefFor(RunEntity.ENTITY_TYPE_KEY, runId)
                    .tell(RunEntity.Resume.INSTANCE);
              }
              int total = woken + page.runIds().size();
              if (page.runIds().size() < pageSize) {
                context.getLog().debug("watchdog swept {} unfinished runs", total);
                timers.startSingleTimer(Sweep.INSTANCE, interval);
                return idle(context, timers, index, blocking, interval, pageSize, pageDelay);
              }
              String last = page.runIds().get(page.runIds().size() - 1);
              context.scheduleOnce(pageDelay, context.getSelf(), new NextPage(last));
              return sweeping(
                  context, timers, index, blocking, interval, pageSize, pageDelay, total);
            })
        .onMessage(
            NextPage.class,
            next -> {
              read(context, index, blocking, next.after(), pageSize);
              return Behaviors.same();
            })
        .onMessage(
            Failed.class,
            failed -> {
              context.getLog().warn("watchdog could not read the run index", failed.cause());
              timers.startSingleTimer(Sweep.INSTANCE, interval);
              return idle(context, timers, index, blocking, interval, pageSize, pageDelay);
            })
        .onMessageEquals(Sweep.INSTANCE, Behaviors::same)
        .build();
  }

  private record NextPage(String after) implements Command {}

  private static void read(
      ActorContext<Command> context,
      JdbcRunIndex index,
      Executor blocking,
      String after,
      int pageSize) {
    CompletableFuture<List<String>> page =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return index.unfinished(after, pageSize);
              } catch (SQLException e) {
                throw new CompletionException(e);
              }
            },
            blocking);
    context.pipeToSelf(
        page, (ids, failure) -> failure != null ? new Failed(failure) : new Page(ids));
  }
}
