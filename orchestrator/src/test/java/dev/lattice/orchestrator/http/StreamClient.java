package dev.lattice.orchestrator.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.run.RunEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A test client of a run's event stream over real HTTP, in NDJSON or Server-Sent Events. */
final class StreamClient {
  private static final ObjectMapper MAPPER = LatticeJson.mapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient http = HttpClient.newHttpClient();
  private final String baseUrl;

  StreamClient(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** An open response, to read lines from. */
  HttpResponse<Stream<String>> open(String path, String accept, String lastEventId) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(TIMEOUT)
            .header("Accept", accept);
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads NDJSON events until {@code stop} says so or the stream ends, then closes the connection.
   */
  List<RunEvent> ndjson(String path, Predicate<RunEvent> stop) {
    List<RunEvent> events = new ArrayList<>();
    HttpResponse<Stream<String>> response = open(path, "application/x-ndjson", null);
    check(response);
    try (Stream<String> lines = response.body()) {
      Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        RunEvent event = parse(it.next());
        events.add(event);
        if (stop.test(event)) {
          break;
        }
      }
    }
    return events;
  }

  /**
   * Reads Server-Sent Events (skipping heartbeats) until {@code stop} says so or the stream ends,
   * then closes the connection. Checks that each event's {@code id} and {@code event} fields match
   * its data.
   */
  List<RunEvent> sse(String path, String lastEventId, Predicate<RunEvent> stop) {
    List<RunEvent> events = new ArrayList<>();
    HttpResponse<Stream<String>> response = open(path, "text/event-stream", lastEventId);
    check(response);
    try (Stream<String> lines = response.body()) {
      readSse(
          lines.iterator(),
          (id, type, data) -> {
            RunEvent event = parse(data);
            if (!String.valueOf(event.seq()).equals(id) || !event.type().equals(type)) {
              throw new AssertionError("SSE fields id:" + id + " event:" + type + " for " + data);
            }
            events.add(event);
            return !stop.test(event);
          });
    }
    return events;
  }

  /** What a reader of Server-Sent Events does with each event that has data. */
  @FunctionalInterface
  interface SseEvents {
    /**
     * Takes one event; {@code id} and {@code type} are null when absent.
     *
     * @return whether to read on
     */
    boolean next(String id, String type, String data);
  }

  /** Reads Server-Sent Events (skipping heartbeats) until {@code events} says stop or they end. */
  static void readSse(Iterator<String> lines, SseEvents events) {
    String id = null;
    String type = null;
    StringBuilder data = new StringBuilder();
    while (lines.hasNext()) {
      String line = lines.next();
      if (line.startsWith("data:")) {
        data.append(line.substring("data:".length()));
      } else if (line.startsWith("id:")) {
        id = line.substring("id:".length());
      } else if (line.startsWith("event:")) {
        type = line.substring("event:".length());
      } else if (line.isEmpty()) {
        if (!data.isEmpty() && !events.next(id, type, data.toString())) {
          return;
        }
        id = null;
        type = null;
        data.setLength(0);
      }
    }
  }

  /**
   * Every line of a stream that must end by itself within {@code within}; fails if it is still open
   * then, and closes the connection either way.
   */
  List<String> untilEnd(String path, String accept, String lastEventId, Duration within) {
    HttpResponse<Stream<String>> response = open(path, accept, lastEventId);
    check(response);
    Stream<String> lines = response.body();
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try {
      return reader.submit(lines::toList).get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the stream " + path + " was still open after " + within);
    } catch (ExecutionException e) {
      throw new AssertionError("the stream " + path + " broke", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      // Interrupting the reader stops its wait for the next line; closing drops the connection.
      reader.shutdownNow();
      lines.close();
    }
  }

  private static void check(HttpResponse<Stream<String>> response) {
    if (response.statusCode() != 200) {
      String body;
      try (Stream<String> lines = response.body()) {
        body = String.join("\n", lines.toList());
      }
      throw new AssertionError("status " + response.statusCode() + ": " + body);
    }
  }

  static RunEvent parse(String json) {
    try {
      return MAPPER.readValue(json, RunEvent.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
