package dev.lattice.orchestrator.http;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.http.scaladsl.TimeoutAccess;
import org.apache.pekko.http.scaladsl.model.HttpRequest;
import org.apache.pekko.http.scaladsl.model.HttpResponse;
import org.apache.pekko.japi.Function;
import scala.Function1;
import scala.concurrent.duration.Duration;

/**
 * What pekko-http's server attaches to every request so that routes can change what a timed-out
 * request answers, recorded instead of acted on: a route test can then ask what the server would
 * send, without a server and without a race against its timer. Pekko's interface names both the
 * Scala and the Java request and response types, which share simple names: the Java ones are
 * written out in full.
 */
final class RecordingTimeoutAccess implements TimeoutAccess {
  private final AtomicReference<Function1<HttpRequest, HttpResponse>> handler =
      new AtomicReference<>();

  /** What the server would answer {@code request} with if it timed out now. */
  HttpResponse answer(org.apache.pekko.http.javadsl.model.HttpRequest request) {
    Function1<HttpRequest, HttpResponse> current = handler.get();
    if (current == null) {
      throw new AssertionError("no route set a timeout response");
    }
    return current.apply((HttpRequest) request);
  }

  @Override
  public Duration timeout() {
    return Duration.Inf();
  }

  @Override
  public void updateTimeout(Duration timeout) {}

  @Override
  public void updateTimeout(java.time.Duration timeout) {}

  @Override
  public void updateHandler(Function1<HttpRequest, HttpResponse> newHandler) {
    handler.set(newHandler);
  }

  @Override
  public void updateHandler(
      Function<
              org.apache.pekko.http.javadsl.model.HttpRequest,
              org.apache.pekko.http.javadsl.model.HttpResponse>
          newHandler) {
    handler.set(
        request -> {
          try {
            return (HttpResponse) newHandler.apply(request);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Override
  public void update(Duration timeout, Function1<HttpRequest, HttpResponse> newHandler) {
    updateHandler(newHandler);
  }

  @Override
  public void update(
      Duration timeout,
      Function<
              org.apache.pekko.http.javadsl.model.HttpRequest,
              org.apache.pekko.http.javadsl.model.HttpResponse>
          newHandler) {
    updateHandler(newHandler);
  }

  @Override
  public void update(
      java.time.Duration timeout,
      Function<
              org.apache.pekko.http.javadsl.model.HttpRequest,
              org.apache.pekko.http.javadsl.model.HttpResponse>
          newHandler) {
    updateHandler(newHandler);
  }
}
