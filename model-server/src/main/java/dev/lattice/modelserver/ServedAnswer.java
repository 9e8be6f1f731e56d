package dev.lattice.modelserver;

import java.time.Duration;
import java.time.Instant;

/**
 * An answer the server sent to its end: how long the server itself took over a request, which a
 * benchmark subtracts from a step's time to find what the caller added.
 *
 * @param request the request it answered
 * @param ended when its last byte went to the HTTP layer, by the server's clock
 */
public record ServedAnswer(RecordedRequest request, Instant ended) {

  /** From the request's arrival to the answer's last byte. */
  public Duration took() {
    return Duration.between(request.time(), ended);
  }
}
