package dev.lattice.orchestrator.http;

import com.typesafe.config.Config;
import java.time.Duration;

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
 * @param json how deep and long the JSON of a request body may be
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
    JsonLimits json) {

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
        JsonLimits.create(c.getConfig("json")));
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
        json);
  }
}
