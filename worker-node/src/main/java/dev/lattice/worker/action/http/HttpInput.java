package dev.lattice.worker.action.http;

import static dev.lattice.worker.action.http.HttpHeaderInput.invalid;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionRequest;
import dev.lattice.worker.secret.ResolvedSecrets;
import dev.lattice.worker.secret.SecretResolver;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.Query;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.japi.Pair;

/**
 * Turns an http step's input ({@code method, url, headers, query, body, maxResponseBytes}) into a
 * checked {@link HttpCall}. The URL is parsed after templating and before any secret is resolved,
 * and its host checked against the allow-lists, so no templated value can change where the call
 * goes; secrets are resolved only in header values, query values and the body.
 */
final class HttpInput {
  private static final Set<String> FIELDS =
      Set.of("method", "url", "headers", "query", "body", "maxResponseBytes");
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  private final HttpSettings settings;
  private final HostAllowList hosts;
  private final SecretResolver secrets;
  private final SecretScopes scopes;
  private final ObjectMapper json;

  HttpInput(
      HttpSettings settings,
      HostAllowList hosts,
      SecretResolver secrets,
      SecretScopes scopes,
      ObjectMapper json) {
    this.settings = settings;
    this.hosts = hosts;
    this.secrets = secrets;
    this.scopes = scopes;
    this.json = json;
  }

  /** The call {@code request} asks for. Runs on a thread that may block (secret files). */
  HttpCall read(ActionRequest request) {
    JsonNode input = request.input();
    if (input == null || !input.isObject()) {
      throw invalid("the input of an http step is an object with at least a url");
    }
    input
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (!FIELDS.contains(name)) {
                throw invalid(
                    "input."
                        + name
                        + " is not a field of an http step; expected one of "
                        + FIELDS.stream().sorted().toList());
              }
            });
    ResolvedSecrets used = new ResolvedSecrets();
    HttpMethod method = method(input.get("method"));
    String url = text(input, "url");
    // A fragment never leaves the client; the query is taken apart before the URL is parsed.
    String base = url.indexOf('#') >= 0 ? url.substring(0, url.indexOf('#')) : url;
    int queryAt = base.indexOf('?');
    String address = queryAt >= 0 ? base.substring(0, queryAt) : base;
    Uri uri = target(address, request.tenant());
    List<Pair<String, String>> query = new ArrayList<>();
    if (queryAt >= 0) {
      rawQuery(base.substring(queryAt + 1), query, used);
    }
    query(input.get("query"), query, used);
    HttpHeaderInput headers = HttpHeaderInput.read(input.get("headers"), secrets, used);
    List<HttpHeader> sent = new ArrayList<>(headers.headers());
    if (!headers.keyed()) {
      // The same for every attempt of the step: a target that deduplicates applies it once.
      sent.add(RawHeader.create(HttpHeaderInput.IDEMPOTENCY_KEY, request.effectKey()));
    }
    RequestEntity body = body(input.get("body"), headers, used);
    // Every secret is resolved by now: each must be allowed to go where the call goes.
    scopes.check(used, uri.host().address(), request.tenant());
    HttpRequest built =
        HttpRequest.create()
            .withMethod(method)
            .withUri(query.isEmpty() ? uri : uri.query(Query.create(query)))
            .addHeaders(sent)
            .withEntity(body);
    return new HttpCall(
        built, uri.host().address(), maxResponseBytes(input.get("maxResponseBytes")), used);
  }

  private static HttpMethod method(JsonNode node) {
    if (node == null || node.isNull()) {
      return HttpMethods.GET;
    }
    String name = node.asText().toUpperCase(Locale.ROOT);
    if (!node.isTextual() || !METHODS.contains(name)) {
      throw invalid("input.method must be one of " + METHODS.stream().sorted().toList());
    }
    return HttpMethods.lookup(name).orElseThrow();
  }

  /** The URL without its query, parsed strictly, its host on an allow-list. */
  private Uri target(String address, String tenant) {
    if (SecretResolver.mentions(address)) {
      throw invalid(
          "input.url: a secret may be used in the query, a header or the body, not in the URL's"
              + " host or path");
    }
    Uri uri;
    try {
      uri = Uri.create(address, Uri.STRICT);
    } catch (RuntimeException e) {
      throw invalid("input.url is not a valid absolute URL: " + e.getMessage());
    }
    String scheme = uri.scheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw invalid("input.url must be an http or https URL");
    }
    if (uri.host().isEmpty() || uri.host().address().isEmpty()) {
      throw invalid("input.url has no host");
    }
    hosts
        .refusal(uri.host().address(), tenant)
        .ifPresent(
            rule -> {
              throw new ActionException(ErrorClass.POLICY_DENIED, rule);
            });
    if (!uri.userInfo().isEmpty()) {
      throw invalid(
          "input.url carries user information (user@host); send credentials in a header, with"
              + " ${secret:NAME}");
    }
    return uri;
  }

  private void rawQuery(String raw, List<Pair<String, String>> into, ResolvedSecrets used) {
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decoded(eq >= 0 ? pair.substring(0, eq) : pair);
      String value = eq >= 0 ? decoded(pair.substring(eq + 1)) : "";
      into.add(Pair.create(name, secrets.resolve(value, used)));
    }
  }

  private static String decoded(String part) {
    try {
      return URLDecoder.decode(part, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid("input.url's query is not valid percent-encoding");
    }
  }

  private void query(JsonNode node, List<Pair<String, String>> into, ResolvedSecrets used) {
    if (node == null || node.isNull()) {
      return;
    }
    if (!node.isObject()) {
      throw invalid("input.query must be an object of parameter names to values");
    }
    for (Map.Entry<String, JsonNode> param : node.properties()) {
      JsonNode value = param.getValue();
      List<JsonNode> values = new ArrayList<>();
      if (value.isArray()) {
        value.forEach(values::add);
      } else {
        values.add(value);
      }
      for (JsonNode one : values) {
        if (!one.isValueNode() || one.isNull()) {
          throw invalid(
              "input.query."
                  + param.getKey()
                  + " must be a string, number, boolean or an array of them");
        }
        into.add(Pair.create(param.getKey(), secrets.resolve(one.asText(), used)));
      }
    }
  }

  private RequestEntity body(JsonNode node, HttpHeaderInput headers, ResolvedSecrets used) {
    if (node == null || node.isNull()) {
      return HttpEntities.EMPTY;
    }
    boolean text = node.isTextual();
    ContentType type =
        headers
            .contentType()
            .map(HttpInput::contentType)
            .orElse(text ? ContentTypes.TEXT_PLAIN_UTF8 : ContentTypes.APPLICATION_JSON);
    String content;
    try {
      content =
          text
              ? secrets.resolve(node.asText(), used)
              : json.writeValueAsString(resolved(node, used));
    } catch (JsonProcessingException e) {
      throw invalid("input.body cannot be written as JSON");
    }
    return HttpEntities.create(type, content.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code node} with secrets resolved in its texts (not its field names). */
  private JsonNode resolved(JsonNode node, ResolvedSecrets used) {
    if (node.isTextual()) {
      return JsonNodeFactory.instance.textNode(secrets.resolve(node.asText(), used));
    }
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      node.properties().forEach(f -> copy.set(f.getKey(), resolved(f.getValue(), used)));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(element -> copy.add(resolved(element, used)));
      return copy;
    }
    return node;
  }

  private static ContentType contentType(String value) {
    try {
      return ContentTypes.parse(value);
    } catch (RuntimeException e) {
      throw invalid("input.headers.Content-Type is not a valid media type");
    }
  }

  private long maxResponseBytes(JsonNode node) {
    if (node == null || node.isNull()) {
      return settings.maxResponseBytes();
    }
    if (!node.canConvertToLong() || !node.isIntegralNumber() || node.asLong() <= 0) {
      throw invalid("input.maxResponseBytes must be a positive whole number");
    }
    if (node.asLong() > settings.maxResponseBytes()) {
      throw invalid(
          "input.maxResponseBytes may be at most "
              + settings.maxResponseBytes()
              + " (lattice.http.max-response-bytes)");
    }
    return node.asLong();
  }

  private static String text(JsonNode input, String field) {
    JsonNode node = input.get(field);
    if (node == null || !node.isTextual() || node.asText().isBlank()) {
      throw invalid("input." + field + " is required, a string");
    }
    return node.asText();
  }
}
