package dev.lattice.orchestrator.http;

import com.typesafe.config.Config;
import java.time.Duration;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * How long a client should wait before asking again, sent as {@code Retry-After} (whole seconds)
 * with every 503 and 429 answer ({@code lattice.http.retry-after}).
 *
 * @param unavailable after a 503 {@code unavailable} of the API: the node did not answer in time
 *     (an internal timeout, or the server's request timeout)
 * @param notReady after a 503 of {@code GET /ready}: the node is not ready
 * @param budgetExceeded after a 429 {@code budget-exceeded}: the tenant has spent its budget
 */
public record RetryAfter(Duration unavailable, Duration notReady, Duration budgetExceeded) {
  static final String HEADER = "Retry-After";
  private static final String READY_PATH = "/ready";

  public RetryAfter {
    for (Duration d : new Duration[] {unavailable, notReady, budgetExceeded}) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("lattice.http.retry-after values must not be negative");
      }
    }
  }

  /** {@code lattice.http.retry-after} of {@code http} (the {@code lattice.http} section). */
  static RetryAfter create(Config http) {
    Config c = http.getConfig("retry-after");
    return new RetryAfter(
        c.getDuration("unavailable"), c.getDuration("not-ready"), c.getDuration("budget-exceeded"));
  }

  /**
   * {@code response} to a request for {@code path}, with {@code Retry-After} if it is a 503 or a
   * 429 that has none.
   */
  HttpResponse onto(HttpResponse response, String path) {
    int status = response.status().intValue();
    if (response.getHeader(HEADER).isPresent()) {
      return response;
    }
    if (status == 429) {
      return withHeader(response, budgetExceeded);
    }
    if (status == 503) {
      return withHeader(response, path.equals(READY_PATH) ? notReady : unavailable);
    }
    return response;
  }

  /** {@code response} with {@code Retry-After} of {@code delay}, rounded up to whole seconds. */
  static HttpResponse withHeader(HttpResponse response, Duration delay) {
    long seconds = delay.getSeconds() + (delay.getNano() > 0 ? 1 : 0);
    return response.addHeader(RawHeader.create(HEADER, Long.toString(seconds)));
  }
}
