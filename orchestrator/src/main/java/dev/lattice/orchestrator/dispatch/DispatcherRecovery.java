package dev.lattice.orchestrator.dispatch;

import dev.lattice.orchestrator.directory.AgentDirectory;
import dev.lattice.orchestrator.dispatch.Dispatcher.AgentsChanged;
import dev.lattice.orchestrator.dispatch.Dispatcher.Command;
import dev.lattice.orchestrator.dispatch.Dispatcher.LogRecovered;
import dev.lattice.orchestrator.dispatch.Dispatcher.Stop;
import dev.lattice.protocol.ids.BusKey;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * How a {@link Dispatcher} starts: it spawns its {@link DispatchLog} and holds every message until
 * the log has recovered the queue, then serves that queue and asks the node's agent directory for
 * the agents. Stopped while it waits, it stops at once.
 */
final class DispatcherRecovery {
  private DispatcherRecovery() {}

  /** The dispatcher of {@code busKey}, recovering first. */
  static Behavior<Command> create(BusKey busKey, DispatchServices services) {
    DispatchSettings settings = services.settings();
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers ->
                    Behaviors.withStash(
                        settings.stashCapacity(),
                        stash -> {
                          ActorRef<DispatchLog.Recovered> recovered =
                              context.messageAdapter(
                                  DispatchLog.Recovered.class, r -> new LogRecovered(r.state()));
                          ActorRef<DispatchLog.Command> log =
                              context.spawn(
                                  DispatchLog.create(busKey, recovered, settings, services.clock()),
                                  "log");
                          return recovering(context, stash, busKey, timers, services, log);
                        })));
  }

  private static Behavior<Command> recovering(
      ActorContext<Command> context,
      StashBuffer<Command> stash,
      BusKey busKey,
      TimerScheduler<Command> timers,
      DispatchServices services,
      ActorRef<DispatchLog.Command> log) {
    return Behaviors.receive(Command.class)
        .onMessage(
            LogRecovered.class,
            recovered -> {
              Dispatcher serving =
                  new Dispatcher(context, busKey, timers, services, log, recovered.state());
              services
                  .directory()
                  .tell(
                      new AgentDirectory.Subscribe(
                          context.messageAdapter(
                              AgentDirectory.Agents.class, a -> new AgentsChanged(a.agents()))));
              return stash.unstashAll(serving);
            })
        .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
        .onAnyMessage(
            message -> {
              stash.stash(message);
              return Behaviors.same();
            })
        .build();
  }
}
