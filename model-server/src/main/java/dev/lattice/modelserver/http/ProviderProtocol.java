package dev.lattice.modelserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.modelserver.Protocol;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/** One provider's side of the server: how its requests read and its answers and errors look. */
public interface ProviderProtocol {

  Protocol protocol();

  /** Whether {@code request} carries {@code apiKey} where this provider's clients send it. */
  boolean authorized(HttpRequest request, String apiKey);

  /**
   * What the server needs of a request.
   *
   * @throws RequestRejected when the request is not valid for this provider
   */
  ModelCall read(HttpRequest request, JsonNode body);

  /** A non-streamed answer's JSON. */
  String completion(Answer answer, String id, Instant created);

  /** A streamed answer's events. */
  StreamFrames stream(ModelCall call, Answer answer, String id, Instant created);

  /** An error's JSON body. */
  String error(ModelError error);

  /** The rate-limit headers this provider sends with every answer. */
  List<HttpHeader> rateLimitHeaders(RateStatus status, Instant now);

  /** A new answer id in this provider's form. */
  String newId();
}
