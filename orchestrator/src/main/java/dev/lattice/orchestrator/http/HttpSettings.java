package dev.lattice.orchestrator.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Settings of the HTTP API ({@code lattice.http}).
 *
 * @param host the interface to listen on
 * @param port the port to listen on; 0 picks a free one
 * @param maxBodyBytes the largest request body accepted
 * @param heartbeat how often an idle Server-Sent Events stream gets a heartbeat
 * @param defaultPageSize runs per page of {@code GET /runs} when the client does not say
 * @param maxPageSize the most runs per page a client may ask for
 * @param readyTimeout how long the readiness check may wait for the journal
 * @param bindTimeout how long starting the server may wait for its port
 * @param shutdownGrace how long requests in progress may finish when the node stops
 * @param allowedHosts host names accepted in the {@code Host} header besides the loopback names and
 *     the bind host ({@link AllowedHosts})
 * @param corsOrigins origins whose pages may call the API from a browser; empty turns CORS off
 * @param corsMaxAge how long a browser may cache a preflight answer
 * @param json how deep and long the JSON of a request body may be
 * @param retryAfter the {@code Retry-After} of 503 and 429 answers
 */
public record HttpSettings(
    String host,
    int port,
    long maxBodyBytes,
    Duration heartbeat,
    int defaultPageSize,
    int maxPageSize,
    Duration readyTimeout,
    Duration bindTimeout,
    Duration shutdownGrace,
    List<String> allowedHosts,
    List<String> corsOrigins,
    Duration corsMaxAge,
    JsonLimits json,
    RetryAfter retryAfter) {

  public HttpSettings {
    allowedHosts = List.copyOf(allowedHosts);
    corsOrigins = List.copyOf(corsOrigins);
  }

  public static HttpSettings create(Config root) {
    Config c = root.getConfig("lattice.http");
    return new HttpSettings(
        c.getString("host"),
        c.getInt("port"),
        c.getBytes("max-body-size"),
        c.getDuration("sse-heartbeat"),
        c.getInt("runs-page.default-size"),
        c.getInt("runs-page.max-size"),
        c.getDuration("ready-timeout"),
        c.getDuration("bind-timeout"),
        c.getDuration("shutdown-grace"),
        list(c, "allowed-hosts"),
        list(c, "cors.allowed-origins"),
        c.getDuration("cors.max-age"),
        JsonLimits.create(c.getConfig("json")),
        RetryAfter.create(c));
  }

  /** These settings listening on {@code host:port} instead. */
  public HttpSettings withAddress(String newHost, int newPort) {
    return new HttpSettings(
        newHost,
        newPort,
        maxBodyBytes,
        heartbeat,
        defaultPageSize,
        maxPageSize,
        readyTimeout,
        bindTimeout,
        shutdownGrace,
        allowedHosts,
        corsOrigins,
        corsMaxAge,
        json,
        retryAfter);
  }

  /** A list, or a comma-separated string (as an environment variable sets it). */
  private static List<String> list(Config config, String key) {
    if (config.getValue(key).valueType() != ConfigValueType.STRING) {
      return config.getStringList(key);
    }
    return Arrays.stream(config.getString(key).split(","))
        .map(String::trim)
        .filter(value -> !value.isEmpty())
        .toList();
  }
}
