package dev.lattice.worker.action.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.RetryAfter;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaType;

/**
 * What a response means for the step. 1xx to 3xx are its output {@code {status, headers, body}}: a
 * redirect is returned as it is, never followed, so that no hop escapes the allow-lists. Errors map
 * to the canonical classes: 429 is {@code rate_limited} carrying its {@code Retry-After}, 401 and
 * 403 {@code auth}, 408 {@code timeout}, other 4xx {@code invalid_input} (not retried), 5xx {@code
 * agent_error} (retried). Every text that goes back has the call's secrets scrubbed.
 */
final class HttpOutcome {
  private static final int CLIENT_ERRORS = 400;
  private static final int UNAUTHORIZED = 401;
  private static final int FORBIDDEN = 403;
  private static final int REQUEST_TIMEOUT = 408;
  private static final int TOO_MANY_REQUESTS = 429;
  private static final int SERVER_ERRORS = 500;
  // Session cookies of the target are its credentials: they would be journaled with the output.
  private static final String SET_COOKIE = "set-cookie";

  private final ObjectMapper json;
  private final int excerptChars;

  HttpOutcome(ObjectMapper json, int excerptChars) {
    this.json = json;
    this.excerptChars = excerptChars;
  }

  /**
   * The step's output for {@code answer}.
   *
   * @throws ActionException when the status is an error
   */
  JsonNode output(HttpCall call, HttpAnswer answer, Instant now) {
    HttpResponse response = answer.response();
    int status = response.status().intValue();
    String text = answer.body().decodeString(charset(response.entity().getContentType()));
    if (status >= CLIENT_ERRORS) {
      throw failure(call, response, status, text, now);
    }
    ObjectNode output = json.createObjectNode();
    output.put("status", status);
    ObjectNode headers = output.putObject("headers");
    headers.put("content-type", response.entity().getContentType().toString());
    for (HttpHeader header : response.getHeaders()) {
      String name = header.lowercaseName();
      if (name.equals(SET_COOKIE)) {
        continue;
      }
      JsonNode earlier = headers.get(name);
      headers.put(
          name, earlier == null ? header.value() : earlier.asText() + ", " + header.value());
    }
    output.set("body", body(response.entity().getContentType(), text));
    return call.secrets().scrub(output);
  }

  private JsonNode body(ContentType type, String text) {
    if (isJson(type.mediaType()) && !text.isBlank()) {
      try {
        return json.readTree(text);
      } catch (IOException e) {
        // Said to be JSON but is not: the text is still worth having.
      }
    }
    return json.getNodeFactory().textNode(text);
  }

  private ActionException failure(
      HttpCall call, HttpResponse response, int status, String text, Instant now) {
    String head = call.where() + " answered " + status;
    if (status == UNAUTHORIZED || status == FORBIDDEN) {
      // The target's own words are left out: some quote part of the credential they refused.
      return new ActionException(ErrorClass.AUTH, head + " (check the credentials it was sent)");
    }
    String detail = head + excerpt(call, text);
    Optional<Duration> retryAfter =
        response.getHeader("Retry-After").flatMap(h -> RetryAfter.parse(h.value(), now));
    if (status == TOO_MANY_REQUESTS) {
      return new ActionException(
          ErrorClass.RATE_LIMITED, detail, null, null, retryAfter.orElse(null));
    }
    if (status == REQUEST_TIMEOUT) {
      return new ActionException(ErrorClass.TIMEOUT, detail);
    }
    if (status < SERVER_ERRORS) {
      return new ActionException(ErrorClass.INVALID_INPUT, detail);
    }
    return new ActionException(ErrorClass.AGENT_ERROR, detail, null, null, retryAfter.orElse(null));
  }

  private String excerpt(HttpCall call, String text) {
    String scrubbed = call.secrets().scrub(text.strip());
    if (scrubbed.isEmpty()) {
      return "";
    }
    return ": "
        + (scrubbed.length() > excerptChars ? scrubbed.substring(0, excerptChars) + "…" : scrubbed);
  }

  private static boolean isJson(MediaType type) {
    String sub = type.subType().toLowerCase(Locale.ROOT);
    return type.mainType().equalsIgnoreCase("application")
        && (sub.equals("json") || sub.endsWith("+json"));
  }

  private static Charset charset(ContentType type) {
    return type.getCharsetOption().map(c -> c.nioCharset()).orElse(StandardCharsets.UTF_8);
  }
}
