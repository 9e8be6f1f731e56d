package dev.lattice.modelserver.http;

import dev.lattice.modelserver.script.Fault;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/** Turns answers, faults and errors into HTTP responses in a provider's shape, paced as told. */
final class Responses {

  private final Materializer materializer;
  private final Clock clock;
  private final Duration dropGrace;

  Responses(Materializer materializer, Clock clock, Duration dropGrace) {
    this.materializer = materializer;
    this.clock = clock;
    this.dropGrace = dropGrace;
  }

  /** An error response with the provider's error body, and {@code Retry-After} when it has one. */
  HttpResponse error(ProviderProtocol provider, ModelError error, List<HttpHeader> headers) {
    List<HttpHeader> all = new ArrayList<>(headers);
    error
        .retryAfterSeconds()
        .ifPresent(s -> all.add(RawHeader.create("Retry-After", Long.toString(s))));
    return HttpResponse.create()
        .withStatus(error.status())
        .addHeaders(all)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, provider.error(error)));
  }

  /**
   * The answer to {@code call}, or the failure {@code fault} (null for none) asks for.
   *
   * @param dropConnection aborts the connection, for a disconnect before answering
   * @param ended called once a whole answer has gone to the HTTP layer (not for a fault)
   */
  CompletionStage<HttpResponse> answer(
      ProviderProtocol provider,
      ModelCall call,
      Answer answer,
      Fault fault,
      List<HttpHeader> headers,
      Runnable dropConnection,
      Runnable ended) {
    if (fault instanceof Fault.HttpError e) {
      return later(answer.firstTokenDelay(), error(provider, scripted(e), headers));
    }
    if (fault instanceof Fault.ContextLengthExceeded e) {
      return later(answer.firstTokenDelay(), error(provider, contextLength(e, answer), headers));
    }
    if (fault instanceof Fault.Disconnect d && (!call.stream() || dropsAt(d) == 0)) {
      dropConnection.run();
      // No response ever comes: the connection is gone, and a failed one would be logged as a 500.
      return new CompletableFuture<>();
    }
    String id = provider.newId();
    Instant created = clock.instant();
    if (call.stream()) {
      Source<ByteString, ?> events =
          events(provider.stream(call, answer, id, created), answer, fault, dropConnection);
      if (fault == null) {
        events = events.watchTermination((notUsed, done) -> done.thenRun(ended));
      }
      return CompletableFuture.completedFuture(
          HttpResponse.create()
              .addHeaders(headers)
              .addHeader(CacheControl.create(CacheDirectives.NO_CACHE))
              .withEntity(
                  HttpEntities.createChunked(
                      MediaTypes.TEXT_EVENT_STREAM.toContentType(), events)));
    }
    String body = provider.completion(answer, id, created);
    if (fault instanceof Fault.MalformedJson) {
      body = body.substring(0, body.length() / 2);
    }
    HttpResponse response =
        HttpResponse.create()
            .addHeaders(headers)
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
    CompletionStage<HttpResponse> sent = later(answer.firstTokenDelay(), response);
    return fault == null ? sent.thenApply(r -> run(ended, r)) : sent;
  }

  private static HttpResponse run(Runnable ended, HttpResponse response) {
    ended.run();
    return response;
  }

  private static ModelError scripted(Fault.HttpError e) {
    String message =
        e.message() != null ? e.message() : "scripted error: HTTP status " + e.status();
    return new ModelError(
        e.status(),
        ErrorKind.ofStatus(e.status()),
        message,
        Optional.ofNullable(e.retryAfterSeconds()).map(Integer::longValue));
  }

  private static ModelError contextLength(Fault.ContextLengthExceeded e, Answer answer) {
    String message =
        e.message() != null
            ? e.message()
            : "prompt is too long: "
                + answer.promptTokens()
                + " tokens; this model's maximum context length is exceeded";
    return ModelError.contextLengthExceeded(message);
  }

  private static int dropsAt(Fault.Disconnect d) {
    return d.afterTokens() == null ? 0 : d.afterTokens();
  }

  /**
   * The stream's bytes: nothing before the first-token delay, the tokens apart by the token delay;
   * cut short or malformed if the fault says so.
   */
  private Source<ByteString, ?> events(
      StreamFrames frames, Answer answer, Fault fault, Runnable dropConnection) {
    List<SseFrame> tokens = frames.tokens();
    boolean drops = fault instanceof Fault.Disconnect;
    if (drops) {
      tokens = tokens.subList(0, Math.min(tokens.size(), dropsAt((Fault.Disconnect) fault)));
    }
    if (fault instanceof Fault.MalformedJson && !tokens.isEmpty()) {
      tokens = new ArrayList<>(tokens);
      tokens.set(0, tokens.get(0).truncated());
    }
    // Each part is due at a time from the stream's start, not a pause after the part before it:
    // the scheduler rounds every pause up to its tick, which would otherwise add up over a stream.
    List<Paced> parts = new ArrayList<>();
    Duration due = Duration.ZERO;
    for (int i = 0; i < frames.opening().size(); i++) {
      due = i == 0 ? answer.firstTokenDelay() : due;
      parts.add(new Paced(frames.opening().get(i).bytes(), due));
    }
    for (int i = 0; i < tokens.size(); i++) {
      due = i == 0 ? due : due.plus(answer.tokenDelay());
      parts.add(new Paced(tokens.get(i).bytes(), due));
    }
    Source<ByteString, ?> events = Source.lazySource(() -> paced(parts, System.nanoTime()));
    if (drops) {
      // The connection is dropped a grace after the last token, so that the tokens have left the
      // HTTP layer; the stream itself never ends, since an ended chunked response is a clean end.
      Source<ByteString, ?> cut =
          Source.single(dropGrace)
              .initialDelay(dropGrace)
              .flatMapConcat(
                  grace -> {
                    dropConnection.run();
                    return Source.<ByteString>never();
                  });
      return events.concat(cut);
    }
    return events.concat(Source.from(frames.closing()).map(SseFrame::bytes));
  }

  /** Bytes to send once {@code due} has passed since the stream began. */
  private record Paced(ByteString bytes, Duration due) {}

  private static Source<ByteString, NotUsed> paced(List<Paced> parts, long startNanos) {
    return Source.from(parts)
        .flatMapConcat(
            part -> {
              long wait = startNanos + part.due().toNanos() - System.nanoTime();
              Source<ByteString, NotUsed> single = Source.single(part.bytes());
              return wait <= 0 ? single : single.initialDelay(Duration.ofNanos(wait));
            });
  }

  private CompletionStage<HttpResponse> later(Duration wait, HttpResponse response) {
    if (wait.isZero()) {
      return CompletableFuture.completedFuture(response);
    }
    return Source.single(response).initialDelay(wait).runWith(Sink.head(), materializer);
  }
}
