package dev.lattice.orchestrator.run;

import dev.lattice.orchestrator.run.core.RunState;
import dev.lattice.orchestrator.run.core.StepState;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.StepDelta;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The streamed text of a run's running attempts, held in memory for followers that join late: the
 * newest {@code maxChars} of each running attempt's current try. Transient, never persisted: a
 * step's final event holds its whole text, and a run that restarts holds only what streams after.
 *
 * <p>Text counts only for the attempt the run has out (dispatched or running): a delta of an
 * earlier attempt, or one that arrives after its attempt's end, is dropped. An attempt's text is
 * dropped when the attempt ends.
 */
final class RunDeltas {
  private final RunId runId;
  private final int maxChars;
  private final Map<String, Held> held = new HashMap<>();

  /** What one step's running attempt has streamed, from {@code start} on. */
  private static final class Held {
    final int attempt;
    final int tryNumber;
    final Instant at;
    final StringBuilder text = new StringBuilder();
    long start;

    Held(StepDelta first) {
      this.attempt = first.attempt();
      this.tryNumber = first.tryNumber();
      this.at = first.at();
      this.start = first.offset();
    }

    long end() {
      return start + text.length();
    }

    boolean continuedBy(StepDelta delta) {
      return !delta.reset()
          && delta.attempt() == attempt
          && delta.tryNumber() == tryNumber
          && delta.offset() == end();
    }
  }

  /**
   * @param maxChars the most characters held per running attempt; older text is dropped
   */
  RunDeltas(RunId runId, int maxChars) {
    this.runId = runId;
    this.maxChars = maxChars;
  }

  /**
   * Holds {@code delta} if it is the text of the attempt the run has out for its step.
   *
   * @return whether it is, and so goes to followers
   */
  boolean received(RunState state, StepDelta delta) {
    StepState step = state.step(delta.stepId());
    if (step == null || !step.status().out() || step.attempt() != delta.attempt()) {
      return false;
    }
    Held current = held.get(delta.stepId());
    if (current == null || !current.continuedBy(delta)) {
      // A new attempt or try, or text after a gap (this run restarted meanwhile): start again.
      current = new Held(delta);
      held.put(delta.stepId(), current);
    }
    current.text.append(delta.text());
    trim(current);
    return true;
  }

  /** What a new follower hears first: each running attempt's text so far, as a reset. */
  List<StepDelta> soFar() {
    List<StepDelta> deltas = new ArrayList<>(held.size());
    held.forEach(
        (stepId, text) ->
            deltas.add(
                StepDelta.of(
                    runId.value(),
                    stepId,
                    text.attempt,
                    text.tryNumber,
                    text.start,
                    true,
                    text.text.toString(),
                    text.at)));
    return deltas;
  }

  /** After a write: the text of attempts that ended goes. */
  void settled(RunState state) {
    held.entrySet()
        .removeIf(
            entry -> {
              StepState step = state.step(entry.getKey());
              return step == null
                  || !step.status().out()
                  || step.attempt() != entry.getValue().attempt;
            });
  }

  private void trim(Held text) {
    int over = text.text.length() - maxChars;
    if (over <= 0) {
      return;
    }
    // Never split a surrogate pair.
    if (over < text.text.length() && Character.isLowSurrogate(text.text.charAt(over))) {
      over++;
    }
    text.text.delete(0, over);
    text.start += over;
  }
}
