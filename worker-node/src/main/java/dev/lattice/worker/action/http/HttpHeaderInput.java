package dev.lattice.worker.action.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.secret.ResolvedSecrets;
import dev.lattice.worker.secret.SecretResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * The {@code headers} of an http step's input: names that are HTTP tokens, values without line
 * breaks (checked after secrets are resolved, so neither a template nor a secret can add a header
 * or a request), and none of the headers that frame the request or pick its target.
 */
final class HttpHeaderInput {
  /** RFC 9110 token characters: anything else, a CR or LF above all, is refused in a name. */
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}");

  /**
   * Set by the client from the request itself; from a step they could smuggle a second request
   * (framing) or reach a virtual host the allow-list did not check ({@code Host}).
   */
  private static final Set<String> RESERVED =
      Set.of(
          "host",
          "content-length",
          "transfer-encoding",
          "connection",
          "keep-alive",
          "upgrade",
          "te",
          "trailer",
          "proxy-connection",
          "expect");

  static final String CONTENT_TYPE = "content-type";
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final List<HttpHeader> headers = new ArrayList<>();
  private String contentType;
  private boolean keyed;

  private HttpHeaderInput() {}

  /**
   * Reads {@code input.headers} (may be missing), resolving secrets in values into {@code used}.
   */
  static HttpHeaderInput read(JsonNode node, SecretResolver secrets, ResolvedSecrets used) {
    HttpHeaderInput read = new HttpHeaderInput();
    if (node == null || node.isNull()) {
      return read;
    }
    if (!node.isObject()) {
      throw invalid("input.headers must be an object of header names to values");
    }
    for (Map.Entry<String, JsonNode> header : node.properties()) {
      read.add(header.getKey(), header.getValue(), secrets, used);
    }
    return read;
  }

  private void add(String name, JsonNode value, SecretResolver secrets, ResolvedSecrets used) {
    if (!TOKEN.matcher(name).matches()) {
      throw invalid(
          "input.headers: a header name is 1 to 256 token characters (letters, digits,"
              + " !#$%&'*+.^_`|~-); line breaks, spaces and ':' are refused");
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (RESERVED.contains(lower)) {
      throw invalid(
          "input.headers." + name + ": set by the client from the request, not by a step");
    }
    if (!value.isValueNode() || value.isNull()) {
      throw invalid("input.headers." + name + " must be a string, number or boolean");
    }
    String resolved = secrets.resolve(value.asText(), used);
    for (int i = 0; i < resolved.length(); i++) {
      char c = resolved.charAt(i);
      // Obs-text and tabs are legal; CR, LF, NUL and other controls would break the framing.
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        throw invalid(
            "input.headers."
                + name
                + " holds a control character (CR, LF or NUL) once templated; refused so that"
                + " no header or request can be added through it");
      }
    }
    if (lower.equals(CONTENT_TYPE)) {
      contentType = resolved;
      return;
    }
    if (lower.equals(IDEMPOTENCY_KEY.toLowerCase(Locale.ROOT))) {
      keyed = true;
    }
    headers.add(RawHeader.create(name, resolved));
  }

  /** The headers to send, except {@code Content-Type}, which goes with the body. */
  List<HttpHeader> headers() {
    return headers;
  }

  /** The {@code Content-Type} the step gave, if any. */
  Optional<String> contentType() {
    return Optional.ofNullable(contentType);
  }

  /** Whether the step set its own {@code Idempotency-Key}. */
  boolean keyed() {
    return keyed;
  }

  static ActionException invalid(String message) {
    return new ActionException(ErrorClass.INVALID_INPUT, message);
  }
}
