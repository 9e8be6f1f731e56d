package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.run.RunEntity;
import dev.lattice.persistence.query.RunEventFollower;
import dev.lattice.persistence.query.RunEventStreams;
import dev.lattice.persistence.query.UnknownRunException;
import dev.lattice.protocol.api.RunSummary;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunFeed;
import dev.lattice.protocol.run.RunStreamElement;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.stream.javadsl.AsPublisher;
import org.apache.pekko.stream.javadsl.JavaFlowSupport;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A run's events as a stream: replayed from the journal, then pushed live by the run's entity, to
 * which each stream subscribes through sharding.
 */
final class EventStreams {
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final RunEventStreams streams;
  private final ReadModels readModels;
  private final RunEventFollower.DeltaLimits deltaLimits;
  private final Executor executor;

  EventStreams(
      ActorSystem<?> system,
      ClusterSharding sharding,
      RunEventStreams streams,
      ReadModels readModels,
      RunEventFollower.DeltaLimits deltaLimits,
      Executor executor) {
    this.system = system;
    this.sharding = sharding;
    this.streams = streams;
    this.readModels = readModels;
    this.deltaLimits = deltaLimits;
    this.executor = executor;
  }

  /**
   * The run's events from {@code fromSeq}, then live until its terminal event; a stream of a run
   * that does not exist fails with {@link UnknownRunException}.
   */
  Source<RunEvent, NotUsed> events(RunId runId, long fromSeq) {
    // The run index, written in the journal's own transactions, says whether the run exists and
    // has ended; the stream asks nothing else that (see events(RunSummary, long)).
    return Source.lazyCompletionStageSource(
            () ->
                readModels
                    .summary(runId)
                    .thenApplyAsync(
                        found ->
                            found
                                .map(run -> events(run, fromSeq))
                                .orElseGet(() -> Source.failed(new UnknownRunException(runId))),
                        executor))
        .mapMaterializedValue(ignored -> NotUsed.notUsed());
  }

  /** The events of {@code run}, known to exist, from {@code fromSeq}. */
  Source<RunEvent, NotUsed> events(RunSummary run, long fromSeq) {
    RunId runId = RunId.of(run.runId());
    return streams.follow(
        new RunEventFollower.Start(
            runId, RunEntity.persistenceId(runId).id(), fromSeq, run.status().terminal()),
        ref -> subscribe(runId, ref, false));
  }

  /** {@link #events(RunSummary, long)} with the live text of the run's running steps. */
  Source<RunStreamElement, NotUsed> eventsAndDeltas(RunSummary run, long fromSeq) {
    RunId runId = RunId.of(run.runId());
    return streams.followAll(
        new RunEventFollower.Start(
            runId,
            RunEntity.persistenceId(runId).id(),
            fromSeq,
            run.status().terminal(),
            deltaLimits),
        ref -> subscribe(runId, ref, true));
  }

  /** {@link #events} as a {@link Flow.Publisher}, materialized on this node's system. */
  Flow.Publisher<RunEvent> publisher(RunId runId, long fromSeq) {
    return events(runId, fromSeq)
        .runWith(JavaFlowSupport.Sink.asPublisher(AsPublisher.WITHOUT_FANOUT), system);
  }

  /** Streams open now. */
  int open() {
    return streams.open();
  }

  private void subscribe(RunId runId, ActorRef<RunFeed> ref, boolean deltas) {
    sharding
        .entityRefFor(RunEntity.ENTITY_TYPE_KEY, runId.value())
        .tell(new RunEntity.Subscribe(ref, deltas));
  }
}
