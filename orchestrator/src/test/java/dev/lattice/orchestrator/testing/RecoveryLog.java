package dev.lattice.orchestrator.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * What Pekko Persistence reports, at debug level, about the recoveries of one entity: which
 * snapshot it started from and how long it took. Pekko logs these through one internal logger and
 * puts the entity's persistence id in the MDC; nothing else in the runtime tells how a recovery
 * went, so this is the honest way to see it. {@link #close()} restores the logger.
 */
public final class RecoveryLog implements AutoCloseable {
  private static final String PEKKO_LOGGER =
      "org.apache.pekko.persistence.typed.internal.EventSourcedBehaviorImpl";
  private static final String SNAPSHOT_RECOVERED = "Snapshot recovered from {} {} {}";
  private static final String RECOVERY_TOOK = "Recovery for persistenceId [{}] took {}";
  private static final String PERSISTENCE_ID_MDC = "persistenceId";

  private final Logger logger;
  private final Level previousLevel;
  private final boolean previousAdditive;
  private final Capture capture;

  private RecoveryLog(String persistenceId) {
    this.logger = (Logger) LoggerFactory.getLogger(PEKKO_LOGGER);
    this.previousLevel = logger.getLevel();
    this.previousAdditive = logger.isAdditive();
    this.capture = new Capture(persistenceId);
    capture.setContext(logger.getLoggerContext());
    capture.start();
    logger.addAppender(capture);
    // Only this appender sees the debug lines: every entity's would flood the test output.
    logger.setAdditive(false);
    logger.setLevel(Level.DEBUG);
  }

  /** Starts capturing the recovery reports of {@code persistenceId}. */
  public static RecoveryLog of(String persistenceId) {
    return new RecoveryLog(persistenceId);
  }

  /** The sequence number of the snapshot the latest recovery started from (0: none). */
  public Optional<Long> snapshotSeq() {
    return last(SNAPSHOT_RECOVERED).map(e -> ((Number) e.getArgumentArray()[0]).longValue());
  }

  /** How long the latest recovery took, as Pekko prints it. */
  public Optional<String> duration() {
    return last(RECOVERY_TOOK).map(e -> String.valueOf(e.getArgumentArray()[1]));
  }

  /** How many recoveries of the entity were reported. */
  public long recoveries() {
    return capture.events.stream().filter(e -> RECOVERY_TOOK.equals(e.getMessage())).count();
  }

  private Optional<ILoggingEvent> last(String message) {
    List<ILoggingEvent> matching =
        capture.events.stream().filter(e -> message.equals(e.getMessage())).toList();
    return matching.isEmpty() ? Optional.empty() : Optional.of(matching.get(matching.size() - 1));
  }

  @Override
  public void close() {
    logger.detachAppender(capture);
    capture.stop();
    logger.setLevel(previousLevel);
    logger.setAdditive(previousAdditive);
  }

  private static final class Capture extends AppenderBase<ILoggingEvent> {
    private final String persistenceId;
    private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

    Capture(String persistenceId) {
      this.persistenceId = persistenceId;
    }

    @Override
    protected void append(ILoggingEvent event) {
      // The MDC and arguments are read now, on the logging thread.
      event.prepareForDeferredProcessing();
      if (persistenceId.equals(event.getMDCPropertyMap().get(PERSISTENCE_ID_MDC))) {
        events.add(event);
      }
    }
  }
}
