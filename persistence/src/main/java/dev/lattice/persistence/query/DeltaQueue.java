package dev.lattice.persistence.query;

import dev.lattice.protocol.run.StepDelta;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The streamed text one follower has not yet taken, bounded. A follower that keeps pace takes each
 * delta as it comes; one that falls behind finds the deltas of a step merged into one (the text
 * that came after another in the same try is joined to it, and a delta that resets a step's text
 * replaces everything pending for that step). Past {@code maxEntries} deltas or {@code maxChars}
 * characters the oldest text goes, and the step's next delta becomes a reset at its offset (the
 * text before it is not held); the step's final event still holds the whole text. Plain Java, used
 * by one actor.
 */
final class DeltaQueue {
  private final int maxEntries;
  private final int maxChars;
  private final List<StepDelta> pending = new ArrayList<>();
  // Steps whose text lost a delta here: their next delta starts what the follower holds.
  private final Set<String> resetDue = new HashSet<>();
  private long chars;

  /**
   * @param maxEntries the most deltas held (at least 1)
   * @param maxChars the most characters of text held (at least 1)
   */
  DeltaQueue(int maxEntries, int maxChars) {
    if (maxEntries < 1 || maxChars < 1) {
      throw new IllegalArgumentException("need maxEntries >= 1 and maxChars >= 1");
    }
    this.maxEntries = maxEntries;
    this.maxChars = maxChars;
  }

  /** Adds {@code delta} behind what is pending, merging and dropping to stay within bounds. */
  void add(StepDelta received) {
    StepDelta delta = resetDue.remove(received.stepId()) ? received.asReset() : received;
    if (delta.reset()) {
      // Everything pending for the step is superseded.
      pending.removeIf(
          held -> {
            boolean same = held.stepId().equals(delta.stepId());
            if (same) {
              chars -= held.text().length();
            }
            return same;
          });
      append(delta);
    } else {
      int last = lastOf(delta.stepId());
      if (last >= 0 && pending.get(last).continuedBy(delta)) {
        pending.set(last, pending.get(last).joined(delta));
        chars += delta.text().length();
      } else {
        append(delta);
      }
    }
    bound();
  }

  /** The oldest pending delta, or null. */
  StepDelta poll() {
    if (pending.isEmpty()) {
      return null;
    }
    StepDelta first = pending.remove(0);
    chars -= first.text().length();
    return first;
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  int size() {
    return pending.size();
  }

  long chars() {
    return chars;
  }

  private void append(StepDelta delta) {
    pending.add(delta);
    chars += delta.text().length();
  }

  /** Drops the oldest delta: the next of its step starts what the follower holds. */
  private void drop() {
    StepDelta dropped = poll();
    int next = firstOf(dropped.stepId());
    if (next >= 0) {
      pending.set(next, pending.get(next).asReset());
    } else {
      resetDue.add(dropped.stepId());
    }
  }

  private int firstOf(String stepId) {
    for (int i = 0; i < pending.size(); i++) {
      if (pending.get(i).stepId().equals(stepId)) {
        return i;
      }
    }
    return -1;
  }

  private int lastOf(String stepId) {
    for (int i = pending.size() - 1; i >= 0; i--) {
      if (pending.get(i).stepId().equals(stepId)) {
        return i;
      }
    }
    return -1;
  }

  private void bound() {
    while (pending.size() > maxEntries) {
      drop();
    }
    while (chars > maxChars) {
      StepDelta oldest = pending.get(0);
      long over = chars - maxChars;
      if (over >= oldest.text().length() && pending.size() > 1) {
        drop();
      } else {
        // Keep the newest part of the oldest delta; the follower is told the head is not held.
        StepDelta cut = oldest.withoutHead((int) Math.min(over, oldest.text().length()));
        chars -= oldest.text().length() - cut.text().length();
        pending.set(0, cut);
        if (cut.text().isEmpty()) {
          drop();
        }
      }
    }
  }
}
