package dev.lattice.persistence.metrics;

import com.typesafe.config.Config;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/**
 * A node's meters (Micrometer): one registry per actor system, so that nodes sharing a JVM (an
 * embedding application's, a test's) never count into each other's figures, as Micrometer's global
 * registry would make them. The journal, the dispatchers, the runs and the API record into {@link
 * #registry()}; the node adds the registries that publish them (the Prometheus one behind {@code
 * GET /metrics}), and an embedding application may add its own.
 *
 * <p>Until a publishing registry is added, meters cost next to nothing: a composite registry
 * without children records nothing.
 */
public final class NodeMeters implements Extension {
  private static final Id ID = new Id();
  private static final double NANOS_PER_SECOND = 1e9;

  /** Where duration histograms' buckets are configured (seconds, ascending). */
  public static final String DURATION_BUCKETS = "lattice.metrics.duration-buckets";

  private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
  private final Duration[] durationBuckets;

  /** The meters of a node of {@code config}; nodes find theirs with {@link #get}. */
  public NodeMeters(Config config) {
    this.durationBuckets =
        config.getDoubleList(DURATION_BUCKETS).stream()
            .map(seconds -> Duration.ofNanos(Math.round(seconds * NANOS_PER_SECOND)))
            .toArray(Duration[]::new);
  }

  public static NodeMeters get(ActorSystem system) {
    return ID.get(system);
  }

  public static NodeMeters get(org.apache.pekko.actor.typed.ActorSystem<?> system) {
    return ID.get(system.classicSystem());
  }

  /** Where this node's meters are recorded. */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * A timer of durations, as a histogram with the configured buckets: the same buckets for every
   * duration of a node, so that a dashboard can compare them, and few enough to keep a histogram
   * per label set cheap.
   */
  public Timer.Builder durations(String name, String description) {
    return Timer.builder(name).description(description).serviceLevelObjectives(durationBuckets);
  }

  /** Publishes this node's meters through {@code publisher} too. */
  public void publishTo(MeterRegistry publisher) {
    registry.add(publisher);
  }

  private static final class Id extends AbstractExtensionId<NodeMeters> {
    @Override
    public NodeMeters createExtension(ExtendedActorSystem system) {
      return new NodeMeters(system.settings().config());
    }
  }
}
