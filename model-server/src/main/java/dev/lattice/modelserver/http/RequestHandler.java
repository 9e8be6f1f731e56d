package dev.lattice.modelserver.http;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/** Answers the requests of one connection, and may drop that connection instead of answering. */
@FunctionalInterface
public interface RequestHandler {

  /**
   * The response to {@code request}.
   *
   * @param dropConnection closes the request's connection, without a byte more of a response
   */
  CompletionStage<HttpResponse> handle(HttpRequest request, Runnable dropConnection);
}
