package dev.lattice.orchestrator.run;

import dev.lattice.orchestrator.run.core.RunState;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunFeed;
import dev.lattice.protocol.run.RunView;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * What a run entity answers about itself without changing: its state, its end, and a live feed of
 * its events. A run with no events answers that there is no such run.
 */
final class RunQueries {
  private final RunId runId;
  private final EffectFactories<RunChange, RunState> effects;
  private final RunFollowers followers;
  private final ActorContext<RunEntity.Command> context;
  private final LongSupplier lastSeq;

  /**
   * @param effects the entity's effects, the only way to answer under enforced replies
   * @param lastSeq the sequence number of the entity's latest event
   */
  RunQueries(
      RunId runId,
      EffectFactories<RunChange, RunState> effects,
      RunFollowers followers,
      ActorContext<RunEntity.Command> context,
      LongSupplier lastSeq) {
    this.runId = runId;
    this.effects = effects;
    this.followers = followers;
    this.context = context;
    this.lastSeq = lastSeq;
  }

  ReplyEffect<RunChange, RunState> onGetRun(RunState state, RunEntity.GetRun get) {
    return effects.reply(get.replyTo(), StatusReply.success(state.view(lastSeq.getAsLong())));
  }

  ReplyEffect<RunChange, RunState> onAwaitTerminal(RunState state, RunEntity.AwaitTerminal await) {
    if (state.terminal()) {
      return effects.reply(await.replyTo(), StatusReply.success(state.view(lastSeq.getAsLong())));
    }
    followers.awaitEnd(await.replyTo());
    return effects.noReply();
  }

  /** The answer to a question about a run that has no events. */
  ReplyEffect<RunChange, RunState> noSuchRun(ActorRef<StatusReply<RunView>> replyTo) {
    return effects.reply(replyTo, StatusReply.error("no run with id '" + runId + "'"));
  }

  /** A subscriber hears where the run stands; it is pushed every event written from now on. */
  ReplyEffect<RunChange, RunState> onSubscribe(RunState state, RunEntity.Subscribe subscribe) {
    ActorRef<RunFeed> subscriber = subscribe.subscriber();
    if (followers.subscribe(subscriber, subscribe.deltas())) {
      context.watchWith(subscriber, new RunEntity.SubscriberGone(subscriber));
    }
    return effects.reply(
        subscriber,
        new RunFeed.Subscribed(lastSeq.getAsLong(), state.terminal(), context.getSelf()));
  }

  ReplyEffect<RunChange, RunState> onSubscriberGone(RunState state, RunEntity.SubscriberGone gone) {
    followers.unsubscribe(gone.subscriber());
    return effects.noReply();
  }
}
