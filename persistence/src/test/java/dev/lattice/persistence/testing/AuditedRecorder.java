package dev.lattice.persistence.testing;

import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.audit.Audited;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * A test entity whose events carry audit entries, as an executor-dispatcher's do: each {@link
 * Record} persists one {@link Recorded} event with the given entries and answers once it is written
 * (or with the write's failure).
 */
public final class AuditedRecorder
    extends EventSourcedBehavior<AuditedRecorder.Record, AuditedRecorder.Recorded, Integer> {
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

  /** Persist {@code entries} as one event. */
  public record Record(List<AuditEntry> entries, ActorRef<StatusReply<Done>> replyTo) {}

  /** The event: the entries, which the journal writes to the audit trail. */
  public record Recorded(List<AuditEntry> auditEntries) implements Audited, CborSerializable {}

  private AuditedRecorder(String id) {
    super(PersistenceId.of("AuditedRecorder", id));
  }

  public static Behavior<Record> create(String id) {
    return new AuditedRecorder(id);
  }

  /** A recorder with journal id {@code id}, started as a system actor of {@code system}. */
  public static ActorRef<Record> spawn(ActorSystem<?> system, String id) {
    return system.systemActorOf(create(id), "audited-recorder-" + id, Props.empty());
  }

  /** Has {@code recorder} persist one event with {@code entries}; completes once it is written. */
  public static CompletionStage<Done> record(
      ActorSystem<?> system, ActorRef<Record> recorder, List<AuditEntry> entries) {
    return AskPattern.askWithStatus(
        recorder, replyTo -> new Record(entries, replyTo), WRITE_TIMEOUT, system.scheduler());
  }

  @Override
  public Integer emptyState() {
    return 0;
  }

  @Override
  public CommandHandler<Record, Recorded, Integer> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(
            Record.class,
            record ->
                Effect()
                    .persist(new Recorded(record.entries()))
                    .thenReply(record.replyTo(), count -> StatusReply.ack()))
        .build();
  }

  @Override
  public EventHandler<Integer, Recorded> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((count, event) -> count + 1);
  }
}
