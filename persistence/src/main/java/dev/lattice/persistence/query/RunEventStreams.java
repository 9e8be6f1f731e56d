package dev.lattice.persistence.query;

import dev.lattice.persistence.journal.PersistenceSettings;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunFeed;
import dev.lattice.protocol.run.RunStreamElement;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.stream.CompletionStrategy;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;

/**
 * Streams of a run's events: replayed from any sequence number, then followed live until the run's
 * terminal event, gap-free and in order. Each materialization gets its own {@link
 * RunEventFollower}; cancelling the stream stops it.
 */
public final class RunEventStreams {
  private final ActorSystem<?> system;
  private final JournalReader reader;
  private final PersistenceSettings settings;
  private final AtomicLong followerNames = new AtomicLong();
  private final AtomicInteger open = new AtomicInteger();

  public RunEventStreams(
      ActorSystem<?> system, JournalReader reader, PersistenceSettings settings) {
    this.system = system;
    this.reader = reader;
    this.settings = settings;
  }

  /** Streams open now: each holds a follower until its run ends or its client goes away. */
  public int open() {
    return open.get();
  }

  /**
   * The events of a run from {@code start}'s sequence number, then live. The stream completes after
   * the run's terminal event (at once if the run ended before the cursor) and fails with {@link
   * UnknownRunException} if the run turns out to have no events (it was deleted).
   *
   * @param start the run, which the caller has established exists, and where to start
   * @param subscribe asks the run to push its events to a ref; called once the journal has been
   *     read to its end while the run is still going, and again when the run's actor stops
   */
  public Source<RunEvent, NotUsed> follow(
      RunEventFollower.Start start, Consumer<ActorRef<RunFeed>> subscribe) {
    return followAll(start, subscribe).filter(RunEvent.class::isInstance).map(RunEvent.class::cast);
  }

  /**
   * Like {@link #follow}, with the streamed text of the run's steps between its events when {@code
   * start} asks for it: live only, never read from the journal (see {@link
   * dev.lattice.protocol.run.StepDelta}).
   */
  public Source<RunStreamElement, NotUsed> followAll(
      RunEventFollower.Start start, Consumer<ActorRef<RunFeed>> subscribe) {
    return Source.fromMaterializer(
            (materializer, attributes) -> {
              open.incrementAndGet();
              ActorRef<RunEventFollower.Command> follower =
                  system.systemActorOf(
                      RunEventFollower.create(
                          reader,
                          start,
                          settings.readPageSize(),
                          settings.followerResubscribeInterval(),
                          subscribe,
                          open::decrementAndGet),
                      "run-follower-" + followerNames.incrementAndGet(),
                      Props.empty());
              return ActorSource
                  .<RunEventFollower.Out, RunEventFollower.Command>actorRefWithBackpressure(
                      follower,
                      RunEventFollower.Ack.INSTANCE,
                      out ->
                          out instanceof RunEventFollower.Completed
                              ? Optional.of(CompletionStrategy.draining())
                              : Optional.empty(),
                      out ->
                          out instanceof RunEventFollower.Failed failed
                              ? Optional.of(failed.cause())
                              : Optional.empty())
                  .mapMaterializedValue(
                      stage -> {
                        follower.tell(new RunEventFollower.Attach(stage));
                        return NotUsed.notUsed();
                      })
                  .map(out -> ((RunEventFollower.Element) out).element());
            })
        .mapMaterializedValue(ignored -> NotUsed.notUsed());
  }
}
