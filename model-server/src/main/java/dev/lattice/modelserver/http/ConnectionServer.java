package dev.lattice.modelserver.http;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.TLSProtocol.SslTlsInbound;
import org.apache.pekko.stream.TLSProtocol.SslTlsOutbound;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.TLSPlacebo;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * The server's sockets: pekko-http's HTTP layer over plain TCP connections, each behind its own
 * kill switch.
 *
 * <p>pekko-http's usual binding answers every failure with a 500; a script that asks for a dropped
 * connection needs the socket aborted before a byte of a response is written, which only a switch
 * between the TCP connection and the HTTP layer can do.
 */
public final class ConnectionServer {

  private final Tcp.ServerBinding binding;
  private final SharedKillSwitch allConnections;

  private ConnectionServer(Tcp.ServerBinding binding, SharedKillSwitch allConnections) {
    this.binding = binding;
    this.allConnections = allConnections;
  }

  /** Listens on {@code host:port} and answers every request with {@code handler}. */
  public static CompletionStage<ConnectionServer> bind(
      ActorSystem system, String host, int port, RequestHandler handler) {
    Materializer materializer = Materializer.matFromSystem(system);
    SharedKillSwitch all = KillSwitches.shared("model-server-connections");
    return Tcp.get(system)
        .bind(host, port)
        .to(
            Sink.foreach(
                connection ->
                    connection.handleWith(connectionFlow(system, handler, all), materializer)))
        .run(materializer)
        .thenApply(binding -> new ConnectionServer(binding, all));
  }

  private static Flow<ByteString, ByteString, NotUsed> connectionFlow(
      ActorSystem system, RequestHandler handler, SharedKillSwitch all) {
    SharedKillSwitch connection = KillSwitches.shared("model-server-connection");
    // Shut down rather than aborted: the bytes already past the switch are still delivered, so a
    // stream cut short reaches the client as far as it went, then the socket closes.
    Runnable drop = connection::shutdown;
    Flow<HttpRequest, HttpResponse, NotUsed> requests =
        Flow.of(HttpRequest.class).mapAsync(1, request -> handler.handle(request, drop));
    Flow<ByteString, ByteString, NotUsed> http =
        Http.get(system).serverLayer().atop(plainText()).reversed().join(requests);
    return Flow.of(ByteString.class)
        .via(all.flow())
        .via(connection.flow())
        .via(http)
        .via(connection.flow());
  }

  /**
   * The placebo TLS stage, typed as the HTTP layer expects: its inbound elements are {@code
   * SessionBytes}, which are {@code SslTlsInbound}s.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static BidiFlow<SslTlsOutbound, ByteString, ByteString, SslTlsInbound, NotUsed>
      plainText() {
    return (BidiFlow) TLSPlacebo.getInstance();
  }

  public InetSocketAddress address() {
    return binding.localAddress();
  }

  /** Stops listening and closes every open connection. */
  public CompletionStage<Done> close() {
    return binding
        .unbind()
        .thenApply(
            unbound -> {
              allConnections.shutdown();
              return Done.getInstance();
            });
  }
}
