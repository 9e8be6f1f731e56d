package dev.lattice.orchestrator.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.protocol.json.LatticeJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/** The CLI's HTTP client of the API: JSON in and out, problems turned into one-line errors. */
final class ApiClient {
  /** Lenient where the server is strict: a newer server may add fields. */
  static final ObjectMapper MAPPER =
      LatticeJson.mapper().copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final URI base;
  private final HttpClient http;

  /** The API key sent with every request, or null for none. */
  private final String apiKey;

  private ApiClient(URI base, SSLContext tls, String apiKey) {
    this.base = base;
    this.apiKey = apiKey;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT);
    if (tls != null) {
      builder.sslContext(tls);
    }
    this.http = builder.build();
  }

  /**
   * A client of the server at {@code url}; an {@code https://} server's certificate must be signed
   * by an authority {@code tls} trusts (the JDK's when null), for the host name of the URL.
   */
  static ApiClient of(String url, SSLContext tls) {
    return of(url, tls, null);
  }

  /**
   * {@link #of(String, SSLContext)} that sends {@code apiKey} (null for none) with each request.
   */
  static ApiClient of(String url, SSLContext tls, String apiKey) {
    try {
      URI uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw new URISyntaxException(url, "expected http://HOST:PORT or https://HOST:PORT");
      }
      return new ApiClient(uri, tls, apiKey);
    } catch (URISyntaxException e) {
      throw new CliException(
          "invalid server URL '" + url + "': expected http://HOST:PORT or https://HOST:PORT",
          CliException.REFUSED);
    }
  }

  /** GET {@code path} and read the answer as {@code type}. */
  <T> T get(String path, Class<T> type) {
    return read(send(request(path).GET().build()), type);
  }

  /** POST {@code body} as JSON to {@code path} and read the answer as {@code type}. */
  <T> T post(String path, JsonNode body, Map<String, String> headers, Class<T> type) {
    HttpRequest.Builder request =
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json(body)));
    headers.forEach(request::header);
    return read(send(request.build()), type);
  }

  /**
   * DELETE {@code path}. It says {@code Content-Type: application/json}, as every request that may
   * change something must, though it has no body.
   */
  void delete(String path) {
    HttpResponse<String> response =
        send(
            request(path)
                .header("Content-Type", "application/json")
                .method("DELETE", HttpRequest.BodyPublishers.noBody())
                .build());
    if (response.statusCode() >= 300) {
      throw refused(response.statusCode(), response.body());
    }
  }

  /**
   * GET a newline-delimited JSON stream at {@code path} and hand each line to {@code line} until
   * the stream ends or {@code line} returns false.
   */
  void stream(String path, Predicate<String> line) {
    lines(request(path).header("Accept", "application/x-ndjson").GET().build(), line);
  }

  /**
   * POST {@code body} as JSON to {@code path}, whose answer is a newline-delimited JSON stream, and
   * hand each line to {@code line} as {@link #stream} does.
   */
  void postStream(String path, JsonNode body, Map<String, String> headers, Predicate<String> line) {
    HttpRequest.Builder request =
        request(path)
            .header("Accept", "application/x-ndjson")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json(body)));
    headers.forEach(request::header);
    lines(request.build(), line);
  }

  private void lines(HttpRequest request, Predicate<String> line) {
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted", CliException.REFUSED);
    }
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      if (response.statusCode() >= 300) {
        throw refused(response.statusCode(), reader.lines().reduce("", String::concat));
      }
      String next;
      while ((next = reader.readLine()) != null) {
        if (!next.isBlank() && !line.test(next)) {
          return;
        }
      }
    } catch (IOException e) {
      throw new BrokenStream("the event stream from " + base + " broke off: " + e.getMessage());
    }
  }

  /** A stream that ended before its run did (for example an idle connection the server closed). */
  static final class BrokenStream extends CliException {
    BrokenStream(String message) {
      super(message, CliException.REFUSED);
    }
  }

  /** The server's base URL. */
  URI base() {
    return base;
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .header("Accept", "application/json")
            .timeout(REQUEST_TIMEOUT);
    return apiKey == null ? request : request.header("Authorization", "Bearer " + apiKey);
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted", CliException.REFUSED);
    }
  }

  private <T> T read(HttpResponse<String> response, Class<T> type) {
    if (response.statusCode() >= 300) {
      throw refused(response.statusCode(), response.body());
    }
    try {
      return MAPPER.readValue(response.body(), type);
    } catch (IOException e) {
      throw new CliException(
          "unexpected answer from " + base + ": " + e.getMessage(), CliException.REFUSED);
    }
  }

  private CliException unreachable(IOException e) {
    if (e instanceof SSLException) {
      return new CliException(
          "cannot reach the Lattice server at "
              + base
              + " over TLS ("
              + e.getMessage()
              + "); if its certificate is signed by an authority of your own, pass that"
              + " authority's certificate with --ca-cert FILE or LATTICE_CA_CERT",
          CliException.UNREACHABLE);
    }
    String why =
        e instanceof ConnectException || e instanceof HttpConnectTimeoutException
            ? "nothing answers there"
            : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    if ("http".equals(base.getScheme()) && !(e instanceof ConnectException)) {
      // A TLS port closes a plain HTTP connection without an answer.
      why += "; if the server uses TLS, its URL starts with https://";
    }
    return new CliException(
        "cannot reach the Lattice server at "
            + base
            + " ("
            + why
            + "); start one with ./lattice up, or set --server or LATTICE_SERVER",
        CliException.UNREACHABLE);
  }

  /** A refused request, described from its problem body where there is one. */
  private static CliException refused(int status, String body) {
    String message = "the server refused the request (" + status + ")";
    if (status == 401) {
      message += ": " + ClientOptions.CREDENTIALS_HINT;
    }
    try {
      JsonNode problem = MAPPER.readTree(body);
      if (problem != null && problem.hasNonNull("detail")) {
        message =
            problem.path("title").asText("refused")
                + " ("
                + status
                + "): "
                + problem.get("detail").asText()
                + (problem.hasNonNull("field")
                    ? " [field: " + problem.get("field").asText() + "]"
                    : "")
                + (status == 401 ? "; " + ClientOptions.CREDENTIALS_HINT : "");
      }
    } catch (IOException e) {
      // Not a problem body: the status says it all.
    }
    return new CliException(message, CliException.REFUSED);
  }

  static byte[] json(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pretty(Object value) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
