package dev.lattice.worker.action;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.ClientTransport;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;

/** What the built-in actions' HTTP clients share: how their pekko-http pools are set up. */
public final class ClientPools {
  private ClientPools() {}

  /**
   * A pool of {@code maxConnections} per host that never retries (the step's retry policy is the
   * only retry layer), opening connections within {@code connectTimeout} over {@code transport}.
   */
  public static ConnectionPoolSettings settings(
      ActorSystem<?> system,
      int maxConnections,
      Duration connectTimeout,
      ClientTransport transport) {
    return ConnectionPoolSettings.create(Adapter.toClassic(system))
        .withMaxRetries(0)
        .withMaxConnections(maxConnections)
        // Calls beyond the connections queue in the pool; it takes a power of two.
        .withMaxOpenRequests(openRequests(maxConnections))
        .withConnectionSettings(
            ClientConnectionSettings.create(Adapter.toClassic(system))
                .withConnectingTimeout(connectTimeout)
                .withTransport(transport));
  }

  /** The failure inside the completion wrappers of {@code failure}. */
  public static Throwable unwrapped(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /**
   * The pool's queue: room for every connection's call and as many waiting, rounded up to the power
   * of two pekko-http requires.
   */
  private static int openRequests(int maxConnections) {
    return Integer.highestOneBit(Math.max(1, 2 * maxConnections - 1)) << 1;
  }
}
