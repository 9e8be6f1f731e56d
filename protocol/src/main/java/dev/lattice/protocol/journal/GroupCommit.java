package dev.lattice.protocol.journal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Items an actor writes behind (a group commit): they gather in memory and are written to the
 * journal together, in one write. What has gathered is written at once when it is urgent or when
 * {@code batchSize} items have gathered, else {@code delay} after the first of them: one timer,
 * armed once, that sends the owner its {@code flush} message.
 *
 * <p>Use: {@link #add} an item, then ask {@link #due} whether to write now. When it is, the owner
 * either writes at once, in the message at hand, or tells itself {@code flush} with {@link
 * #flushSoon}, which it does once however many items arrive meanwhile: they join that same write.
 * Writing starts with {@link #take}, which disarms the timer and hands over the items in the order
 * they arrived.
 *
 * <p>Transient: items not yet taken are lost with their actor, which every owner allows for. Used
 * on its owner's thread only.
 *
 * @param <T> the items gathered
 * @param <C> the owner's messages, of which {@code flush} is one
 */
public final class GroupCommit<T, C> {
  private final List<T> gathered = new ArrayList<>();
  // One view for the owner's lifetime, so that looking costs nothing per message.
  private final List<T> view = Collections.unmodifiableList(gathered);
  private final TimerScheduler<C> timers;
  private final C flush;
  private final Duration delay;
  private final int batchSize;
  // Set while the owner has been told to flush and has not yet taken what gathered.
  private boolean flushSent;

  /** Items written at once only when urgent, else {@code delay} after the first. */
  public GroupCommit(TimerScheduler<C> timers, C flush, Duration delay) {
    this(timers, flush, delay, Integer.MAX_VALUE);
  }

  /** Items written at once when urgent or {@code batchSize} have gathered. */
  public GroupCommit(TimerScheduler<C> timers, C flush, Duration delay, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
    }
    this.timers = Objects.requireNonNull(timers, "timers");
    this.flush = Objects.requireNonNull(flush, "flush");
    this.delay = Objects.requireNonNull(delay, "delay");
    this.batchSize = batchSize;
  }

  /** Gathers {@code item}, to be written with the others; follow with {@link #due}. */
  public void add(T item) {
    gathered.add(Objects.requireNonNull(item, "item"));
  }

  /** {@link #due(boolean)} for an item that is not urgent in itself. */
  public boolean due() {
    return due(false);
  }

  /**
   * Whether what has gathered is to be written now: it is {@code urgent}, or the batch is full.
   * Otherwise it will be written within the delay of the first unwritten item: the timer is armed
   * unless it already is or a flush is on its way.
   */
  public boolean due(boolean urgent) {
    if (urgent || gathered.size() >= batchSize) {
      return true;
    }
    if (!flushSent && !timers.isTimerActive(flush)) {
      timers.startSingleTimer(flush, delay);
    }
    return false;
  }

  /**
   * Tells {@code self} to flush, once until the next {@link #take}: items that arrive before it is
   * processed join the same write instead of each sending another.
   */
  public void flushSoon(ActorRef<C> self) {
    if (!flushSent) {
      flushSent = true;
      self.tell(flush);
    }
  }

  /** The items gathered and not yet taken, oldest first; a read-only view. */
  public List<T> gathered() {
    return view;
  }

  public boolean isEmpty() {
    return gathered.isEmpty();
  }

  /** The items to write now, oldest first (none if empty); the timer is disarmed. */
  public List<T> take() {
    timers.cancel(flush);
    flushSent = false;
    List<T> taken = List.copyOf(gathered);
    gathered.clear();
    return taken;
  }
}
