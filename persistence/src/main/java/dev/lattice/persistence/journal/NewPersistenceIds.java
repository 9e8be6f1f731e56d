package dev.lattice.persistence.journal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/**
 * Persistence ids that are known to have no events yet, such as a run whose id its client has just
 * drawn at random. An entity starting with one of them announces it, and the journal answers its
 * question for the highest sequence number with 0 instead of querying the database: pekko-
 * persistence asks that question even of an entity whose recovery is disabled, and at one query per
 * run it was one database round trip on the critical path of every run.
 *
 * <p>An announcement is taken back by the journal's answer, which follows at once (the entity
 * announces as it starts), so the set holds only entities that are starting. Announcements are kept
 * only once Lattice's journal has said it answers them: with another journal plugin (an embedding
 * application's, or a test kit's) nothing would take them back.
 */
public final class NewPersistenceIds implements Extension {
  private static final Id ID = new Id();

  private final Set<String> announced = ConcurrentHashMap.newKeySet();
  private volatile boolean answered;

  public static NewPersistenceIds get(ActorSystem system) {
    return ID.get(system);
  }

  /**
   * {@code persistenceId} has no events: the next question for its highest number is answered 0.
   */
  public void announce(String persistenceId) {
    if (answered) {
      announced.add(persistenceId);
    }
  }

  /** The journal answers announcements from now on (it calls {@link #claim}). */
  void answeredByJournal() {
    answered = true;
  }

  /** Whether {@code persistenceId} was announced; takes the announcement back. */
  boolean claim(String persistenceId) {
    return announced.remove(persistenceId);
  }

  private static final class Id extends AbstractExtensionId<NewPersistenceIds> {
    @Override
    public NewPersistenceIds createExtension(ExtendedActorSystem system) {
      return new NewPersistenceIds();
    }
  }
}
