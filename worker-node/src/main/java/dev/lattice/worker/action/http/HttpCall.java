package dev.lattice.worker.action.http;

import dev.lattice.worker.secret.ResolvedSecrets;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * One request of the http action, checked and ready to send.
 *
 * @param request the request, secrets resolved, {@code Idempotency-Key} set
 * @param host the host it goes to, as checked against the allow-lists
 * @param maxResponseBytes the largest response body it reads
 * @param secrets the secrets resolved into it, to scrub from what comes back
 */
record HttpCall(HttpRequest request, String host, long maxResponseBytes, ResolvedSecrets secrets) {

  /** The request for people: method and URL without its query, which may hold a secret. */
  String where() {
    return request.method().value()
        + " "
        + request.getUri().scheme()
        + "://"
        + request.getUri().host().address()
        + ":"
        + request.getUri().port()
        + request.getUri().path();
  }
}
