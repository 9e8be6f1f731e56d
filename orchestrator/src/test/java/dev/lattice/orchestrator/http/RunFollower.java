package dev.lattice.orchestrator.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.protocol.json.LatticeJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A client following a run's event stream over real HTTP on a thread of its own, keeping every
 * element it reads (events and streamed text), until the run's terminal event or {@link #close}.
 */
final class RunFollower implements AutoCloseable {
  private static final Set<String> TERMINAL =
      Set.of("run.completed", "run.failed", "run.cancelled");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /**
   * One element as read.
   *
   * @param json the NDJSON line, or the SSE data
   * @param sseId the SSE id field, null when absent (and for NDJSON)
   * @param sseType the SSE event field, null when absent (and for NDJSON)
   */
  record Item(JsonNode json, String sseId, String sseType) {
    String type() {
      return json.path("type").asText();
    }

    boolean delta() {
      return type().equals("step.delta");
    }
  }

  private final List<Item> items = new CopyOnWriteArrayList<>();
  private final Stream<String> lines;
  private final Thread reader;
  private volatile boolean ended;
  private volatile Throwable failure;

  private RunFollower(HttpResponse<Stream<String>> response, boolean sse) {
    if (response.statusCode() != 200) {
      throw new AssertionError("status " + response.statusCode());
    }
    this.lines = response.body();
    this.reader = new Thread(() -> read(sse), "run-follower");
    reader.setDaemon(true);
    reader.start();
  }

  /** Follows {@code runId} from {@code from} in NDJSON. */
  static RunFollower ndjson(StreamClient client, String runId, long from) {
    return new RunFollower(
        client.open("/api/v1/runs/" + runId + "/events?from=" + from, "application/x-ndjson", null),
        false);
  }

  /** Follows {@code runId} in Server-Sent Events, after {@code lastEventId} if not null. */
  static RunFollower sse(StreamClient client, String runId, String lastEventId) {
    return new RunFollower(
        client.open("/api/v1/runs/" + runId + "/events", "text/event-stream", lastEventId), true);
  }

  private void read(boolean sse) {
    try {
      Iterator<String> it = lines.iterator();
      if (sse) {
        StreamClient.readSse(
            it,
            (id, type, data) -> {
              add(new Item(parse(data), id, type));
              return !ended;
            });
      }
      while (!sse && it.hasNext() && !ended) {
        String line = it.next();
        if (!line.isBlank()) {
          add(new Item(parse(line), null, null));
        }
      }
    } catch (RuntimeException e) {
      if (!ended) {
        failure = e;
      }
    } finally {
      ended = true;
    }
  }

  private void add(Item item) {
    items.add(item);
    if (TERMINAL.contains(item.type())) {
      ended = true;
    }
  }

  List<Item> items() {
    return List.copyOf(items);
  }

  List<Item> deltas() {
    return items.stream().filter(Item::delta).toList();
  }

  /** The persisted events read, in order. */
  List<Item> events() {
    return items.stream().filter(item -> !item.delta()).toList();
  }

  /** Waits until the stream has brought a delta. */
  RunFollower awaitDelta() {
    Await.until(() -> !deltas().isEmpty() || ended, TIMEOUT);
    if (deltas().isEmpty()) {
      throw new AssertionError("the stream ended without a delta: " + items + " " + failure);
    }
    return this;
  }

  /** Waits for the run's terminal event. */
  RunFollower awaitEnd() {
    Await.until(() -> ended, TIMEOUT);
    if (failure != null) {
      throw new AssertionError("the stream broke", failure);
    }
    return this;
  }

  /**
   * The text of {@code stepId} put together from the deltas read, as a client does: a reset
   * replaces the text held, any other delta follows it (a repeat is dropped); a gap fails.
   */
  String text(String stepId) {
    StringBuilder text = new StringBuilder();
    long start = 0;
    for (Item item : deltas()) {
      JsonNode delta = item.json();
      if (!delta.get("stepId").asText().equals(stepId)) {
        continue;
      }
      JsonNode data = delta.get("data");
      long offset = data.get("offset").asLong();
      String piece = data.get("text").asText();
      if (data.get("reset").asBoolean()) {
        text.setLength(0);
        start = offset;
        text.append(piece);
      } else if (offset > start + text.length()) {
        throw new AssertionError("a gap before " + delta + " after " + text);
      } else {
        int known = (int) (start + text.length() - offset);
        text.append(piece.substring(Math.min(known, piece.length())));
      }
    }
    return text.toString();
  }

  @Override
  public void close() {
    ended = true;
    lines.close();
  }

  private static JsonNode parse(String json) {
    try {
      return LatticeJson.mapper().readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Long> seqs(List<Item> events) {
    List<Long> seqs = new ArrayList<>();
    events.forEach(event -> seqs.add(event.json().get("seq").asLong()));
    return seqs;
  }
}
