package dev.lattice.worker.action.llm;

import dev.lattice.protocol.run.StepDelta;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Gathers the streamed text of one attempt into batches for its followers: a model sends a token
 * every few milliseconds, and one message per token for every running step would flood the cluster.
 * The first piece of a batch waits up to the flush interval for more (the first piece to come after
 * it sends the batch; a timer sends it when none comes); a long batch, a new try and the end of the
 * call send what is gathered at once.
 *
 * <p>Each batch carries its offset in the try's text; the first batch of each try has {@code
 * reset}, telling followers to drop the text of the tries and attempts before. Fed on the stream
 * thread, flushed on the scheduler's; sends happen under the lock so that batches leave in order.
 */
final class DeltaBatcher {
  private final String runId;
  private final String stepId;
  private final int attempt;
  private final DeltaSettings settings;
  private final ActorSystem<?> system;
  private final Clock clock;
  private final Consumer<StepDelta> out;
  private final StringBuilder pending = new StringBuilder();

  private int tryNumber = 1;
  private long sent;
  private boolean resetPending = true;
  private Instant firstAt;
  private Cancellable flush;
  private boolean closed;

  DeltaBatcher(
      String runId,
      String stepId,
      int attempt,
      DeltaSettings settings,
      ActorSystem<?> system,
      Clock clock,
      Consumer<StepDelta> out) {
    this.runId = runId;
    this.stepId = stepId;
    this.attempt = attempt;
    this.settings = settings;
    this.system = system;
    this.clock = clock;
    this.out = out;
  }

  /** The next piece of the current try's text. */
  synchronized void text(String piece) {
    if (closed || piece.isEmpty()) {
      return;
    }
    if (pending.length() == 0) {
      firstAt = clock.instant();
    }
    pending.append(piece);
    // A piece that comes once the interval has passed sends the batch itself: the timer fires a
    // scheduler tick late (10 ms by default), which would be most of a follower's wait.
    if (pending.length() >= settings.maxBatchChars()
        || settings.flushInterval().isZero()
        || !clock.instant().isBefore(firstAt.plus(settings.flushInterval()))) {
      flush();
    } else if (flush == null) {
      flush =
          system
              .scheduler()
              .scheduleOnce(settings.flushInterval(), this::flush, system.executionContext());
    }
  }

  /** A new try of the attempt begins (a repair): its text replaces the last try's. */
  synchronized void newTry() {
    if (closed) {
      return;
    }
    flush();
    tryNumber++;
    sent = 0;
    resetPending = true;
  }

  /** The call ended: what is gathered goes now, and nothing after. */
  synchronized void close() {
    flush();
    closed = true;
  }

  private synchronized void flush() {
    if (flush != null) {
      flush.cancel();
      flush = null;
    }
    if (pending.length() == 0) {
      return;
    }
    String text = pending.toString();
    pending.setLength(0);
    out.accept(StepDelta.of(runId, stepId, attempt, tryNumber, sent, resetPending, text, firstAt));
    sent += text.length();
    resetPending = false;
  }
}
