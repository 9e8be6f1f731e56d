package dev.lattice.worker.action.llm;

import dev.lattice.protocol.run.StepDelta;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Where the text of a streamed answer goes as it arrives, before the whole answer is known: on to
 * the run's followers, wherever they are. It gets the text in batches ({@link DeltaBatcher}), each
 * with its place in the attempt's answer.
 */
@FunctionalInterface
public interface DeltaSink {
  DeltaSink NONE = (system, delta) -> {};

  /**
   * Sends the next batch of an attempt's text. Called in order per attempt, on a stream or
   * scheduler thread; must not block.
   *
   * @param system the actor system of the agent running the attempt
   */
  void send(ActorSystem<?> system, StepDelta delta);
}
