package dev.lattice.worker.action.llm;

import dev.lattice.protocol.agent.RateObservation;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Where the llm action passes on what providers' rate-limit headers say, so that the limiters that
 * keep to those limits before dispatch learn of a lower limit or of usage they did not count. Only
 * answers of provider models with configured limits are reported. Called on the client's threads;
 * must not block.
 */
@FunctionalInterface
public interface RateReports {
  /** Reports to nobody. */
  RateReports NONE = (system, observation) -> {};

  /** The headers of an answer for {@code observation}'s model said this, on {@code system}. */
  void observed(ActorSystem<?> system, RateObservation observation);
}
