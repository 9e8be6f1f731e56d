package dev.lattice.worker.action.http;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ClientPools;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.event.NoLogging;
import org.apache.pekko.http.javadsl.ClientTransport;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Sends the http action's requests over pekko-http's client, without blocking and without retries
 * (the step's retry policy is the only retry layer). Host names are resolved by the client's own
 * resolver, which checks every address with the {@link AddressGuard} and hands the connection the
 * address it checked, so a name that resolves differently a moment later (DNS rebinding) cannot
 * lead it elsewhere. A call ends at its request timeout or the attempt's deadline, whichever comes
 * first.
 */
final class GuardedClient {
  private final ActorSystem<?> system;
  private final Http http;
  private final Materializer materializer;
  private final ConnectionPoolSettings pool;
  private final Duration requestTimeout;
  private final Clock clock;

  /**
   * @param resolving where DNS lookups, which block, run
   */
  GuardedClient(
      ActorSystem<?> system,
      HttpSettings settings,
      AddressGuard guard,
      Executor resolving,
      Clock clock) {
    this.system = system;
    this.http = Http.get(system);
    this.materializer = Materializer.matFromSystem(system);
    this.requestTimeout = settings.requestTimeout();
    this.clock = clock;
    ClientTransport transport =
        ClientTransport.withCustomResolver(
            (host, port) ->
                CompletableFuture.supplyAsync(
                    () -> checkedAddress(guard, host, (Integer) port), resolving));
    this.pool =
        ClientPools.settings(
            system, settings.maxConnections(), settings.connectTimeout(), transport);
  }

  ActorSystem<?> system() {
    return system;
  }

  /** Sends {@code call} and completes with its response, body read, or an ActionException. */
  CompletionStage<HttpAnswer> send(HttpCall call, Instant deadline) {
    Duration left = Duration.between(clock.instant(), deadline);
    Duration limit = left.compareTo(requestTimeout) < 0 ? left : requestTimeout;
    if (limit.isNegative() || limit.isZero()) {
      return CompletableFuture.failedFuture(
          new ActionException(
              ErrorClass.TIMEOUT, "the attempt's deadline passed before " + call.where()));
    }
    // The pool's log would show the request's URL, query and secrets with it, at debug level.
    CompletionStage<HttpResponse> response =
        http.singleRequest(
            call.request(), http.defaultClientHttpsContext(), pool, NoLogging.getInstance());
    return Source.completionStage(response)
        .flatMapConcat(r -> answer(r, call))
        .completionTimeout(limit)
        .runWith(Sink.head(), materializer)
        .handle(
            (answer, failure) -> {
              if (failure == null) {
                return answer;
              }
              // A response that came after the timeout is nobody's: free its connection.
              response.thenAccept(late -> late.discardEntityBytes(materializer));
              throw new CompletionException(failure(ClientPools.unwrapped(failure), call, limit));
            });
  }

  private Source<HttpAnswer, NotUsed> answer(HttpResponse response, HttpCall call) {
    return response
        .entity()
        .withSizeLimit(call.maxResponseBytes())
        .getDataBytes()
        .fold(ByteString.emptyByteString(), ByteString::concat)
        .map(body -> new HttpAnswer(response, body))
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }

  /**
   * The address to connect to for {@code host}: resolved here, every address checked, and handed to
   * the connection as an address, so that nothing resolves the name again.
   */
  static InetSocketAddress checkedAddress(AddressGuard guard, String host, int port) {
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new CompletionException(e);
    }
    // Every address the name has must be public: a name that mixes in a private one is a trap.
    for (InetAddress address : addresses) {
      guard
          .refusal(host, address)
          .ifPresent(
              rule -> {
                throw new AddressDenied(rule);
              });
    }
    return new InetSocketAddress(addresses[0], port);
  }

  private static ActionException failure(Throwable failure, HttpCall call, Duration limit) {
    if (failure instanceof ActionException known) {
      return known;
    }
    Throwable denied = causeOf(failure, AddressDenied.class);
    if (denied != null) {
      return new ActionException(ErrorClass.POLICY_DENIED, denied.getMessage());
    }
    if (failure instanceof TimeoutException) {
      return new ActionException(
          ErrorClass.TIMEOUT,
          call.where()
              + " did not finish within "
              + limit.toMillis()
              + " ms (lattice.http.request-timeout or the attempt's deadline)");
    }
    Throwable tooLarge = causeOf(failure, EntityStreamSizeException.class);
    if (tooLarge != null) {
      return new ActionException(
          ErrorClass.INVALID_INPUT,
          call.where()
              + ": the response is larger than "
              + call.maxResponseBytes()
              + " bytes (the step's maxResponseBytes or lattice.http.max-response-bytes)");
    }
    if (causeOf(failure, UnknownHostException.class) != null) {
      return new ActionException(
          ErrorClass.AGENT_ERROR, call.where() + ": host '" + call.host() + "' is not known");
    }
    // The cause is left out and its message scrubbed: nothing of the request may leak through it.
    return new ActionException(
        ErrorClass.AGENT_ERROR,
        call.where()
            + " failed: "
            + failure.getClass().getSimpleName()
            + ": "
            + call.secrets().scrub(String.valueOf(failure.getMessage())));
  }

  private static Throwable causeOf(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return t;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
