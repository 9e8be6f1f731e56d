package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.run.RunEntity;
import dev.lattice.persistence.query.RunEventStreams;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunFeed;
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

  EventStreams(ActorSystem<?> system, ClusterSharding sharding, RunEventStreams streams) {
    this.system = system;
    this.sharding = sharding;
    this.streams = streams;
  }

  /** The run's events from {@code fromSeq}, then live until its terminal event. */
  Source<RunEvent, NotUsed> events(RunId runId, long fromSeq) {
    return streams.follow(
        runId, RunEntity.persistenceId(runId).id(), fromSeq, ref -> subscribe(runId, ref));
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

  private void subscribe(RunId runId, ActorRef<RunFeed> ref) {
    sharding
        .entityRefFor(RunEntity.ENTITY_TYPE_KEY, runId.value())
        .tell(new RunEntity.Subscribe(ref));
  }
}
