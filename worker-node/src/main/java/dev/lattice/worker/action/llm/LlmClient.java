package dev.lattice.worker.action.llm;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ClientPools;
import dev.lattice.worker.action.RetryAfter;
import io.opentelemetry.api.trace.Span;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.ClientTransport;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.http.javadsl.unmarshalling.sse.EventStreamUnmarshalling;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Calls model providers over pekko-http's client, without blocking: one HTTP request per call,
 * never retried here (the step's retry policy is the only retry layer, so the pool's own retries
 * are off too). A call ends by its request timeout or the attempt's deadline, whichever comes
 * first, as {@code timeout}; a streamed answer is then cut off, which closes its connection.
 */
final class LlmClient {
  private final ActorSystem<?> system;
  private final Http http;
  private final Materializer materializer;
  private final long maxResponseBytes;
  private final RateReports rateReports;
  private final Clock clock;
  private final Map<String, ConnectionPoolSettings> pools = new ConcurrentHashMap<>();

  LlmClient(ActorSystem<?> system, long maxResponseBytes, RateReports rateReports, Clock clock) {
    this.system = system;
    this.http = Http.get(system);
    this.materializer = Materializer.matFromSystem(system);
    this.maxResponseBytes = maxResponseBytes;
    this.rateReports = rateReports;
    this.clock = clock;
  }

  ActorSystem<?> system() {
    return system;
  }

  /**
   * Makes {@code call}, carrying {@code key}, and completes with its answer or an {@link
   * ActionException}.
   *
   * @param deadline when the attempt runs out of time
   * @param onDelta receives each piece of a streamed answer's text as it comes (empty for a piece
   *     of a tool call); may throw an {@link ActionException} to end the call
   */
  CompletionStage<LlmAnswer> call(
      LlmCall call, Optional<String> key, Instant deadline, Consumer<String> onDelta) {
    ProviderSettings provider = call.provider();
    Duration left = Duration.between(clock.instant(), deadline);
    Duration limit =
        left.compareTo(provider.requestTimeout()) < 0 ? left : provider.requestTimeout();
    if (limit.isNegative() || limit.isZero()) {
      return CompletableFuture.failedFuture(
          new ActionException(
              ErrorClass.TIMEOUT, "the attempt's deadline passed before calling " + where(call)));
    }
    ProviderWire wire = ProviderWire.of(provider.protocol());
    StreamAssembly assembly = wire.stream();
    Span span = ModelCallSpans.start(system, call);
    CompletionStage<HttpResponse> response =
        http.singleRequest(
            wire.request(call, key),
            http.defaultClientHttpsContext(),
            pool(provider),
            system.classicSystem().log());
    return Source.completionStage(response)
        .flatMapConcat(r -> answer(r, call, key, wire, assembly, onDelta))
        .completionTimeout(limit)
        .runWith(Sink.head(), materializer)
        .handle(
            (answer, failure) -> {
              if (failure == null) {
                ModelCallSpans.end(span, answer, null);
                return answer;
              }
              // A response that came after the timeout is nobody's: free its connection.
              response.thenAccept(late -> late.discardEntityBytes(materializer));
              CompletionException failed =
                  failure(ClientPools.unwrapped(failure), call, key, limit, assembly);
              ModelCallSpans.end(span, null, failed.getCause());
              throw failed;
            });
  }

  private Source<LlmAnswer, NotUsed> answer(
      HttpResponse response,
      LlmCall call,
      Optional<String> key,
      ProviderWire wire,
      StreamAssembly assembly,
      Consumer<String> onDelta) {
    int status = response.status().intValue();
    report(response, call);
    if (!response.status().isSuccess()) {
      Optional<Duration> retryAfter =
          response
              .getHeader("Retry-After")
              .flatMap(h -> RetryAfter.parse(h.value(), clock.instant()));
      return body(response)
          .map(
              text -> {
                throw wire.error(WireJson.parseOrMissing(text))
                    .failure(call.provider(), status, key, retryAfter);
              });
    }
    if (!response.entity().getContentType().mediaType().equals(MediaTypes.TEXT_EVENT_STREAM)) {
      return body(response)
          .map(text -> wire.answer(WireJson.parse(text, "the answer of " + where(call))));
    }
    return Source.completionStageSource(
            EventStreamUnmarshalling.fromEventsStream(Adapter.toClassic(system))
                .unmarshal(response.entity(), materializer))
        .fold(
            assembly,
            (building, event) -> {
              int pieces = building.toolCallPieces();
              String delta = building.accept(event.getEventType().orElse(null), event.getData());
              // A piece of a tool call is progress too, though without text for followers.
              if (!delta.isEmpty() || building.toolCallPieces() != pieces) {
                onDelta.accept(delta);
              }
              return building;
            })
        .map(StreamAssembly::finish)
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }

  /**
   * Passes on what the answer's rate-limit headers say (a refusal's too), for provider models with
   * limits to keep to.
   */
  private void report(HttpResponse response, LlmCall call) {
    ProviderSettings provider = call.provider();
    if (!provider.limits().of(call.model()).limited()) {
      return;
    }
    RateLimitHeaders.read(
            provider.name(),
            provider.protocol(),
            call.model(),
            name -> response.getHeader(name).map(HttpHeader::value).orElse(null),
            clock.instant())
        .ifPresent(observation -> rateReports.observed(system, observation));
  }

  /** The whole body as text, up to the size limit. */
  private Source<String, NotUsed> body(HttpResponse response) {
    return response
        .entity()
        .withSizeLimit(maxResponseBytes)
        .getDataBytes()
        .fold(ByteString.emptyByteString(), ByteString::concat)
        .map(ByteString::utf8String)
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }

  private CompletionException failure(
      Throwable failure,
      LlmCall call,
      Optional<String> key,
      Duration limit,
      StreamAssembly assembly) {
    if (failure instanceof ActionException known) {
      return new CompletionException(known);
    }
    if (failure instanceof ProviderError.Reported reported) {
      return new CompletionException(reported.error().inStream(call.provider(), key));
    }
    if (failure instanceof TimeoutException) {
      return new CompletionException(
          new ActionException(
              ErrorClass.TIMEOUT,
              where(call)
                  + " did not finish answering within "
                  + limit.toMillis()
                  + " ms (its request timeout or the attempt's deadline)"));
    }
    String stage =
        assembly.events() > 0
            ? "the answer stream broke after " + assembly.events() + " events"
            : "the call failed";
    // The cause is left out and its message scrubbed: nothing of the request may leak through it.
    String said = String.valueOf(failure.getMessage());
    String scrubbed = key.map(k -> said.replace(k, "[redacted]")).orElse(said);
    return new CompletionException(
        new ActionException(
            ErrorClass.AGENT_ERROR,
            where(call)
                + ": "
                + stage
                + ": "
                + failure.getClass().getSimpleName()
                + ": "
                + scrubbed));
  }

  private ConnectionPoolSettings pool(ProviderSettings provider) {
    return pools.computeIfAbsent(
        provider.name(),
        name ->
            ClientPools.settings(
                system,
                provider.maxConnections(),
                provider.connectTimeout(),
                ClientTransport.TCP()));
  }

  private static String where(LlmCall call) {
    return "provider '" + call.provider().name() + "' (model " + call.model() + ")";
  }
}
