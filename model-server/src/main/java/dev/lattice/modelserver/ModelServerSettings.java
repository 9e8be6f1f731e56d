package dev.lattice.modelserver;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * How the scripted model server runs ({@code lattice.model-server}, plus what only code sets: the
 * API key and the clock).
 *
 * @param host the interface to listen on
 * @param port the port; 0 picks a free one
 * @param apiKey the key requests must carry; empty accepts any request
 * @param clock the clock of rate limits and recorded times; tests pass a manual one
 * @param bindTimeout how long starting may wait for the port
 * @param shutdownTimeout how long stopping may wait
 * @param requestBodyTimeout how long reading a request body may take
 * @param maxRecordedRequests how many requests {@code requests()} keeps
 * @param dropGrace how long after its last token a stream cut short drops its connection
 * @param answers what an answer is when its entry does not say
 */
public record ModelServerSettings(
    String host,
    int port,
    Optional<String> apiKey,
    Clock clock,
    Duration bindTimeout,
    Duration shutdownTimeout,
    Duration requestBodyTimeout,
    int maxRecordedRequests,
    Duration dropGrace,
    AnswerDefaults answers) {

  /**
   * The settings of {@code config}'s {@code lattice.model-server}, no API key, the system clock.
   */
  public static ModelServerSettings create(Config config) {
    Config c = config.getConfig("lattice.model-server");
    return new ModelServerSettings(
        c.getString("host"),
        c.getInt("port"),
        Optional.empty(),
        Clock.systemUTC(),
        c.getDuration("bind-timeout"),
        c.getDuration("shutdown-timeout"),
        c.getDuration("request-body-timeout"),
        c.getInt("max-recorded-requests"),
        c.getDuration("drop-grace"),
        AnswerDefaults.create(c));
  }

  /** The configured defaults, but on a free port: what tests of other modules want. */
  public static ModelServerSettings loopback() {
    return create(ConfigFactory.load()).withPort(0);
  }

  /** With {@code key}, requests without it are refused with 401. */
  public ModelServerSettings withApiKey(String key) {
    return with(host, port, Optional.of(key), clock);
  }

  public ModelServerSettings withClock(Clock newClock) {
    return with(host, port, apiKey, newClock);
  }

  public ModelServerSettings withHost(String newHost) {
    return with(newHost, port, apiKey, clock);
  }

  public ModelServerSettings withPort(int newPort) {
    return with(host, newPort, apiKey, clock);
  }

  private ModelServerSettings with(
      String newHost, int newPort, Optional<String> newKey, Clock newClock) {
    return new ModelServerSettings(
        newHost,
        newPort,
        newKey,
        newClock,
        bindTimeout,
        shutdownTimeout,
        requestBodyTimeout,
        maxRecordedRequests,
        dropGrace,
        answers);
  }

  /** Says whether a key is set, never the key: settings end up in logs. */
  @Override
  public String toString() {
    return "ModelServerSettings[host=%s, port=%d, apiKey=%s]"
        .formatted(host, port, apiKey.isPresent() ? "set" : "none");
  }
}
