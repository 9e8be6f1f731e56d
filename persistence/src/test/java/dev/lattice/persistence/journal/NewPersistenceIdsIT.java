package dev.lattice.persistence.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.lattice.persistence.testing.AuditedRecorder;
import dev.lattice.persistence.testing.JournalTestKits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal on an H2 file answers the question for a persistence id's highest sequence number
 * with 0, without reading the database, exactly once after the id was announced as new; otherwise
 * from the database.
 */
class NewPersistenceIdsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String RECORDER = "AuditedRecorder|r1";

  @TempDir Path data;

  private ActorTestKit testKit;

  @BeforeEach
  void start() {
    JournalDatabase database = JournalDatabase.h2File(data, "new-ids", "");
    testKit = JournalTestKits.on(database, "new-ids");
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void anAnnouncedIdIsAnsweredZeroOnceThenFromTheJournal() throws Exception {
    ActorRef<AuditedRecorder.Record> recorder = testKit.spawn(AuditedRecorder.create("r1"));
    for (int i = 0; i < 2; i++) {
      AuditedRecorder.record(testKit.system(), recorder, List.of())
          .toCompletableFuture()
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
    assertThat(highestSequenceNr(RECORDER)).isEqualTo(2);

    // Announced (here wrongly, which shows the database is not asked): answered 0, once.
    NewPersistenceIds.get(Adapter.toClassic(testKit.system())).announce(RECORDER);
    assertThat(highestSequenceNr(RECORDER)).isZero();
    assertThat(highestSequenceNr(RECORDER)).isEqualTo(2);
  }

  /** What the journal answers an entity that starts with its recovery disabled. */
  private long highestSequenceNr(String persistenceId) {
    TestProbe<Object> probe = testKit.createTestProbe();
    Persistence.get(Adapter.toClassic(testKit.system()))
        .journalFor("", ConfigFactory.empty())
        .tell(
            new JournalProtocol.ReplayMessages(
                0, Long.MAX_VALUE, 0, persistenceId, Adapter.toClassic(probe.ref())),
            Adapter.toClassic(probe.ref()));
    return probe
        .expectMessageClass(JournalProtocol.RecoverySuccess.class, TIMEOUT)
        .highestSequenceNr();
  }
}
