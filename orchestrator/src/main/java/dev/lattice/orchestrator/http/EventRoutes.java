package dev.lattice.orchestrator.http;

import dev.lattice.orchestrator.http.auth.Principal;
import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunStreamElement;
import dev.lattice.protocol.run.StepDelta;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * {@code GET /api/v1/runs/{id}/events}: the run's events from a sequence number, then live until
 * its terminal event. Newline-delimited JSON by default; Server-Sent Events (with heartbeats, and
 * resumable through {@code Last-Event-ID}) for clients that accept {@code text/event-stream}. While
 * a step streams a model's answer, its text comes between the events as {@code step.delta}s, live
 * only (see {@link StepDelta}).
 *
 * <p>The response streams with backpressure from the TCP connection back to the run's follower,
 * which reads the journal a page at a time: a slow reader holds at most a page in memory, and a
 * client that disconnects cancels the stream, which stops its follower.
 */
final class EventRoutes extends AllDirectives {
  static final String LAST_EVENT_ID = "Last-Event-ID";
  private static final String EVENT_STREAM = "text/event-stream";
  private static final ByteString NEWLINE = ByteString.fromString("\n");

  private final Authentication auth;
  private final Source<ServerSentEvent, NotUsed> heartbeats;
  private final Duration streamsRetryAfter;

  /**
   * @param heartbeats the node's shared heartbeat ticks (one timer for every stream, rather than
   *     one per stream: with a thousand idle streams, per-stream idle timers cost ~5 % of a core)
   */
  // Outputs larger than this go to followers by reference (LargeOutputs).
  private final long inlineOutputMax;

  /**
   * @param auth authenticates each stream's request, by its header or a stream token
   * @param streamsRetryAfter when a principal over its limit of streams may try again
   */
  EventRoutes(
      Authentication auth,
      Source<ServerSentEvent, NotUsed> heartbeats,
      long inlineOutputMax,
      Duration streamsRetryAfter) {
    this.auth = auth;
    this.heartbeats = heartbeats;
    this.inlineOutputMax = inlineOutputMax;
    this.streamsRetryAfter = streamsRetryAfter;
  }

  /**
   * {@code runs/{id}/events} under {@code /api/v1}: authenticated here rather than with the other
   * routes, since a browser's stream may carry a stream token instead of a header.
   */
  Route route() {
    return pathPrefix(
        "runs",
        () ->
            pathPrefix(
                PathMatchers.segment(),
                id ->
                    path(
                        "events",
                        () -> get(() -> auth.forEvents(id, principal -> stream(principal, id))))));
  }

  private Route stream(Principal principal, String id) {
    return parameterOptional(
        "from",
        from ->
            parameterOptional(
                "deltas",
                deltas ->
                    optionalHeaderValueByName(
                        LAST_EVENT_ID,
                        last ->
                            extractRequest(
                                request ->
                                    events(
                                        principal,
                                        RunRoutes.runId(id),
                                        fromSeq(from, last),
                                        withDeltas(deltas),
                                        wantsEventStream(request))))));
  }

  /**
   * The events of {@code runId} from {@code from}, live, as SSE or NDJSON, for {@code principal}:
   * counted against its limit of open streams, and 404 for a run of a tenant it does not see.
   */
  Route events(Principal principal, RunId runId, long from, boolean deltas, boolean sse) {
    if (!auth.streams().admits(principal)) {
      return complete(
          RetryAfter.withHeader(
              ProblemHandlers.response(
                  Problem.Kind.TOO_MANY_STREAMS.with(
                      principal.name()
                          + " has "
                          + auth.streams().max()
                          + " event streams open on this node, the most it may; close one"
                          + " (lattice.http.auth.max-streams-per-principal)")),
              streamsRetryAfter));
    }
    LatticeClient client = auth.clientFor(principal);
    // Unknown runs are a 404 before the response starts: a stream cannot change its status. This
    // lookup is the only one: the stream is handed what it found.
    return onSuccess(
        client.summary(runId),
        summary -> {
          if (summary.isEmpty()) {
            throw new ProblemException(
                Problem.Kind.RUN_NOT_FOUND.with(
                    "no run has the id '" + runId.value() + "'", "runId"));
          }
          Source<RunStreamElement, NotUsed> events =
              deltas
                  ? client.eventsAndDeltas(summary.get(), from)
                  : client.events(summary.get(), from).map(RunStreamElement.class::cast);
          Source<RunStreamElement, NotUsed> shortened =
              auth.streams()
                  .counted(principal, events.map(e -> LargeOutputs.referenced(e, inlineOutputMax)));
          return sse ? serverSentEvents(shortened) : ndjson(shortened);
        });
  }

  private Route ndjson(Source<RunStreamElement, NotUsed> events) {
    Source<ByteString, NotUsed> lines =
        events.map(event -> ByteString.fromArray(JsonSupport.bytes(event)).concat(NEWLINE));
    return complete(
        HttpResponse.create().withEntity(HttpEntities.createChunked(JsonSupport.NDJSON, lines)));
  }

  private Route serverSentEvents(Source<RunStreamElement, NotUsed> events) {
    Source<ServerSentEvent, NotUsed> stream =
        events
            .map(EventRoutes::serverSentEvent)
            // A stream that cannot take a heartbeat now skips it, and never holds back the
            // others'; the stream ends with the run's events.
            .merge(heartbeats.buffer(1, OverflowStrategy.dropHead()), true);
    return respondWithHeaders(
        List.of(CacheControl.create(CacheDirectives.NO_CACHE)),
        () -> completeOK(stream, EventStreamMarshalling.toEventStream()));
  }

  /**
   * An event's SSE form: its id is its sequence number, so a client resumes after it with {@code
   * Last-Event-ID}. A delta has no id: a client's last event id stays that of the last persisted
   * event, and a resume neither skips nor repeats one (the text of a running step comes again as a
   * catch-up).
   */
  private static ServerSentEvent serverSentEvent(RunStreamElement element) {
    String data = new String(JsonSupport.bytes(element), StandardCharsets.UTF_8);
    if (element instanceof RunEvent event) {
      return ServerSentEvent.create(data, event.type(), Long.toString(event.seq()));
    }
    return ServerSentEvent.create(data, StepDelta.TYPE);
  }

  /**
   * Where to start: after {@code Last-Event-ID} when resuming, else {@code ?from}, else 1. Both are
   * sequence numbers, so at least 1. A cursor past the run's last event is valid and gives an empty
   * stream (which waits for the run, or ends at once if the run has ended).
   */
  private static long fromSeq(Optional<String> from, Optional<String> lastEventId) {
    if (lastEventId.isPresent()) {
      long last = sequenceNumber(lastEventId.get(), LAST_EVENT_ID);
      // No run reaches seq Long.MAX_VALUE, so starting at it instead of one past it (which does
      // not fit in a long) gives the same stream, an empty one.
      return last == Long.MAX_VALUE ? last : last + 1;
    }
    return from.map(value -> sequenceNumber(value, "from")).orElse(1L);
  }

  /** {@code ?deltas=false} leaves streamed text out; it is in by default. */
  private static boolean withDeltas(Optional<String> deltas) {
    if (deltas.isEmpty() || deltas.get().equals("true")) {
      return true;
    }
    if (deltas.get().equals("false")) {
      return false;
    }
    throw new ProblemException(
        Problem.Kind.INVALID_REQUEST.with(
            "deltas must be true or false, was '" + deltas.get() + "'", "deltas"));
  }

  private static long sequenceNumber(String value, String field) {
    try {
      long n = Long.parseLong(value.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Reported below, like any other value out of range.
    }
    throw new ProblemException(
        Problem.Kind.INVALID_REQUEST.with(
            field
                + " must be a sequence number, a whole number from 1 to "
                + Long.MAX_VALUE
                + ", was '"
                + value
                + "'",
            field));
  }

  static boolean wantsEventStream(HttpRequest request) {
    return request
        .getHeader("Accept")
        .map(accept -> accept.value().contains(EVENT_STREAM))
        .orElse(false);
  }
}
