package dev.lattice.persistence.query;

import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Reads a run's events from the journal by persistence id and sequence number. Per-run reads use
 * {@code eventsByPersistenceId}, which is gap-free by sequence number (tag queries can skip events
 * after a database stall).
 */
public final class JournalReader {
  private final ActorSystem<?> system;
  private final JdbcReadJournal readJournal;

  private JournalReader(ActorSystem<?> system, JdbcReadJournal readJournal) {
    this.system = system;
    this.readJournal = readJournal;
  }

  public static JournalReader create(ActorSystem<?> system) {
    JdbcReadJournal journal =
        PersistenceQuery.get(system.classicSystem())
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    return new JournalReader(system, journal);
  }

  /** The run's persisted events from {@code fromSeq}, as far as they exist now. */
  public Source<RunEvent, NotUsed> current(String persistenceId, RunId runId, long fromSeq) {
    return readJournal
        .currentEventsByPersistenceId(persistenceId, fromSeq, Long.MAX_VALUE)
        .map(envelope -> toRunEvent(runId, envelope));
  }

  /** At most {@code max} events from {@code fromSeq}, in sequence order. */
  public CompletionStage<List<RunEvent>> page(
      String persistenceId, RunId runId, long fromSeq, int max) {
    // A cursor near Long.MAX_VALUE must not wrap the upper bound round to a negative number.
    long toSeq = fromSeq <= Long.MAX_VALUE - (max - 1) ? fromSeq + (max - 1) : Long.MAX_VALUE;
    return readJournal
        .currentEventsByPersistenceId(persistenceId, fromSeq, toSeq)
        .map(envelope -> toRunEvent(runId, envelope))
        .runWith(Sink.seq(), system)
        .thenApplyAsync(ArrayList::new, system.executionContext());
  }

  /** Whether any event exists for {@code persistenceId}. */
  public CompletionStage<Boolean> exists(String persistenceId) {
    return readJournal
        .currentEventsByPersistenceId(persistenceId, 0, Long.MAX_VALUE)
        .take(1)
        .runWith(Sink.headOption(), system)
        .thenApplyAsync(Optional::isPresent, system.executionContext());
  }

  /**
   * The persisted changes of a run from {@code fromSeq}, in order; with its latest snapshot, for
   * rebuilding its state without waking it.
   */
  public CompletionStage<List<SequencedChange>> changes(String persistenceId, long fromSeq) {
    return readJournal
        .currentEventsByPersistenceId(persistenceId, fromSeq, Long.MAX_VALUE)
        .map(envelope -> new SequencedChange(envelope.sequenceNr(), (RunChange) envelope.event()))
        .runWith(Sink.seq(), system)
        .thenApplyAsync(ArrayList::new, system.executionContext());
  }

  private static RunEvent toRunEvent(RunId runId, EventEnvelope envelope) {
    if (!(envelope.event() instanceof RunChange change)) {
      throw new IllegalStateException(
          "journal of "
              + envelope.persistenceId()
              + " holds a "
              + envelope.event().getClass().getName()
              + " at seq "
              + envelope.sequenceNr()
              + ", not a run event");
    }
    return change.toEvent(runId, envelope.sequenceNr());
  }
}
