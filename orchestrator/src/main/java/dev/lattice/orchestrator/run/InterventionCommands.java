package dev.lattice.orchestrator.run;

import dev.lattice.orchestrator.run.core.Decided;
import dev.lattice.orchestrator.run.core.IllegalTransitionException;
import dev.lattice.orchestrator.run.core.RunInterventions;
import dev.lattice.orchestrator.run.core.RunState;
import dev.lattice.protocol.run.RunChange;
import java.time.Clock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * How a run entity takes what people do to it (pause, resume, cancel, signal, override): {@link
 * RunInterventions} decides; a refusal is answered with the reason and the run as it is, anything
 * else is written and answered with the run's state after it.
 */
final class InterventionCommands {
  private final EffectFactories<RunChange, RunState> effects;
  private final RunInterventions interventions;
  private final RunSideEffects sideEffects;
  private final Clock clock;
  private final LongSupplier lastSeq;

  /**
   * @param effects the entity's effects, the only way to answer under enforced replies
   * @param lastSeq the sequence number of the entity's latest event
   */
  InterventionCommands(
      EffectFactories<RunChange, RunState> effects,
      RunInterventions interventions,
      RunSideEffects sideEffects,
      Clock clock,
      LongSupplier lastSeq) {
    this.effects = effects;
    this.interventions = interventions;
    this.sideEffects = sideEffects;
    this.clock = clock;
    this.lastSeq = lastSeq;
  }

  ReplyEffect<RunChange, RunState> onIntervene(RunState state, RunEntity.Intervene intervene) {
    return intervention(
        state,
        intervene.replyTo(),
        () ->
            interventions.lifecycle(
                state, intervene.type(), intervene.intervention(), clock.instant()));
  }

  ReplyEffect<RunChange, RunState> onSignal(RunState state, RunEntity.Signal signal) {
    return intervention(
        state,
        signal.replyTo(),
        () -> interventions.signal(state, signal.name(), signal.request(), clock.instant()));
  }

  ReplyEffect<RunChange, RunState> onOverride(RunState state, RunEntity.OverrideStep override) {
    return intervention(
        state,
        override.replyTo(),
        () ->
            interventions.override(state, override.stepId(), override.request(), clock.instant()));
  }

  ReplyEffect<RunChange, RunState> onRetry(RunState state, RunEntity.RetryStep retry) {
    return intervention(
        state,
        retry.replyTo(),
        () -> interventions.retry(state, retry.stepId(), retry.intervention(), clock.instant()));
  }

  /** The answer to an intervention in a run that has no events: there is no run to change. */
  ReplyEffect<RunChange, RunState> noRun(ActorRef<RunEntity.InterventionOutcome> replyTo) {
    return effects.reply(replyTo, new RunEntity.InterventionOutcome(null, null));
  }

  private ReplyEffect<RunChange, RunState> intervention(
      RunState state, ActorRef<RunEntity.InterventionOutcome> replyTo, Supplier<Decided> decide) {
    Decided decided;
    try {
      decided = decide.get();
    } catch (IllegalTransitionException refused) {
      return effects.reply(
          replyTo,
          new RunEntity.InterventionOutcome(state.view(lastSeq.getAsLong()), refused.getMessage()));
    }
    return effects
        .persist(decided.events())
        .thenRun(next -> sideEffects.written(state, decided, next))
        .thenReply(
            replyTo,
            next -> new RunEntity.InterventionOutcome(next.view(lastSeq.getAsLong()), null));
  }
}
