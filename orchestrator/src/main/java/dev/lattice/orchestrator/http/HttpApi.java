package dev.lattice.orchestrator.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.orchestrator.http.auth.AuthSettings;
import dev.lattice.orchestrator.http.auth.Authenticator;
import dev.lattice.orchestrator.http.auth.NodeAuthentication;
import dev.lattice.orchestrator.http.auth.PerPrincipal;
import dev.lattice.orchestrator.http.auth.Principal;
import dev.lattice.orchestrator.http.limits.RateLimitSettings;
import dev.lattice.orchestrator.http.limits.RequestRates;
import dev.lattice.orchestrator.mcp.McpRoutes;
import dev.lattice.orchestrator.mcp.McpSettings;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.orchestrator.tls.ApiTls;
import dev.lattice.protocol.json.LatticeJson;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.BroadcastHub;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The HTTP API of a node (DESIGN.md §5): {@code /api/v1/...} over the node's {@link LatticeClient},
 * plus {@code /health} and {@code /ready}. Every error is {@code application/problem+json}, but
 * those of {@code /mcp} (the node as an MCP server, {@link McpRoutes}), which speaks JSON-RPC.
 */
public final class HttpApi extends AllDirectives {
  /** The broadcast hub's buffer; ticks are dropped, not queued, when it is full. */
  private static final int HEARTBEAT_BUFFER = 2;

  private final Authentication auth;
  private final PerPrincipal<Route> routes;
  private final MetricsRoutes metrics = new MetricsRoutes();
  private final HttpSpans spans;
  private final RateLimiting rates;
  private final RunRoutes runs;
  private final SessionRoutes sessions;
  private final EventRoutes events;
  private final NodeRoutes node;
  private final InvokeRoutes invoke;

  /** Null when the API was started without a key store. */
  private final KeyRoutes keys;

  private final StreamTokenRoutes streamTokens;
  private final ProbeRoutes probes;
  private final OpenApiRoutes openApi;
  private final Cors cors;
  private final HttpSettings settings;

  /** The MCP server, or null when {@code lattice.mcp.enabled} is off. */
  private final McpRoutes mcp;

  /**
   * Replaced once, when the server is bound: with port 0 the allowed hosts' port is known only
   * then. Until then no client can know the port either.
   */
  private volatile AllowedHosts hosts;

  /**
   * The API of {@code client} without authentication, which its configuration must turn off ({@code
   * lattice.http.auth.enabled = off}): for tests of routes. {@link #start} serves a node's API with
   * its keys.
   *
   * @throws IllegalStateException if authentication is on
   */
  public HttpApi(LatticeClient client, ActorSystem<?> system, HttpSettings settings) {
    this(client, system, settings, null);
  }

  /**
   * @param authenticator checks credentials against the node's keys and issuer; null only when
   *     authentication is off, which then leaves out the keys and stream tokens too
   */
  public HttpApi(
      LatticeClient client,
      ActorSystem<?> system,
      HttpSettings settings,
      Authenticator authenticator) {
    this(client, system, settings, AuthSettings.create(system.settings().config()), authenticator);
  }

  /**
   * The API with authentication as {@code authSettings} say rather than the node's configuration (a
   * second API of the same node, for instance, as the benchmark compares them).
   */
  public HttpApi(
      LatticeClient client,
      ActorSystem<?> system,
      HttpSettings settings,
      AuthSettings authSettings,
      Authenticator authenticator) {
    ObjectMapper bodies = settings.json().applyTo(LatticeJson.mapper());
    this.auth = new Authentication(authSettings, authenticator, client, system);
    this.spans = new HttpSpans(system);
    this.routes = new PerPrincipal<>(authSettings.keyCacheMaxEntries(), authSettings.keyCacheTtl());
    this.rates =
        new RateLimiting(
            new RequestRates(
                RateLimitSettings.create(system.settings().config().getConfig("lattice.http"))));
    this.keys = authenticator == null ? null : new KeyRoutes(authenticator.keys(), bodies);
    this.streamTokens =
        authenticator == null ? null : new StreamTokenRoutes(authenticator.streamTokens(), bodies);
    this.runs = new RunRoutes(settings);
    this.sessions = new SessionRoutes();
    this.events =
        new EventRoutes(
            auth,
            heartbeats(system, settings.heartbeat()),
            system.settings().config().getBytes("lattice.http.events.inline-output-max"),
            authSettings.streamsRetryAfter());
    this.node = new NodeRoutes();
    this.invoke =
        new InvokeRoutes(
            events,
            new InvokeWaiter(
                client, system, system.settings().config().getDuration("lattice.http.invoke.wait")),
            bodies);
    this.probes = new ProbeRoutes(client::ready, settings);
    this.openApi = new OpenApiRoutes();
    this.cors = new Cors(settings);
    this.settings = settings;
    this.hosts = AllowedHosts.of(settings.host(), settings.port(), settings.allowedHosts());
    McpSettings mcpSettings = McpSettings.create(system.settings().config());
    this.mcp =
        mcpSettings.enabled()
            ? new McpRoutes(
                client, system, mcpSettings, settings.json().applyTo(LatticeJson.mapper()))
            : null;
  }

  /** One heartbeat timer for all event streams of the node, broadcast to each. */
  private static Source<ServerSentEvent, NotUsed> heartbeats(
      ActorSystem<?> system, Duration interval) {
    return Source.tick(interval, interval, ServerSentEvent.heartbeat())
        .toMat(BroadcastHub.of(ServerSentEvent.class, HEARTBEAT_BUFFER), Keep.right())
        .run(system);
  }

  /** Every route, sealed: nothing leaves it but a response. */
  public Route route() {
    return withRequestTimeoutResponse(this::timedOut, () -> spans.traced(this::sealed));
  }

  /**
   * What a request answers when it outlasts {@code pekko.http.server.request-timeout}: a problem,
   * like every other error, instead of pekko-http's plain text.
   */
  private HttpResponse timedOut(HttpRequest request) {
    return RetryAfter.withHeader(
        ProblemHandlers.response(
            Problem.Kind.UNAVAILABLE.with(
                "the request took longer than the server's request timeout; retry later")),
        settings.retryAfter().unavailable());
  }

  /** Every answer, with {@code Retry-After} on each 503 and 429 (see {@link RetryAfter}). */
  private Route sealed() {
    return extractUnmatchedPath(
        path ->
            mapResponse(
                response -> settings.retryAfter().onto(response, path),
                () ->
                    handleExceptions(
                        ProblemHandlers.exceptions(),
                        () -> handleRejections(ProblemHandlers.rejections(), this::limited))));
  }

  /** The routes, within the body size limit. */
  private Route limited() {
    return withSizeLimit(
        settings.maxBodyBytes(),
        () ->
            concat(
                // Probes answer whatever host they name: Kubernetes' name the pod IP, and a probe
                // reveals nothing and changes nothing.
                probes.route(), allowedHostsOnly(() -> cors.route(this::served))));
  }

  /**
   * The API, and {@code /mcp}, for authenticated requests ({@link Authentication}); a run's event
   * stream authenticates its own, which may carry a stream token instead of a header. MCP answers
   * in JSON-RPC, not problems, and checks content types itself (a DELETE that ends a session has no
   * body).
   */
  private Route served() {
    return concat(
        pathPrefix("api", () -> pathPrefix("v1", events::route)),
        auth.authenticated(this::authenticated));
  }

  /**
   * Everything {@code principal} may ask for, within its key's and its tenant's request rates; what
   * it may do is decided by the client held to it. Whatever else applies per principal goes here.
   */
  private Route authenticated(Principal principal) {
    return rates.limited(
        principal.source() == Principal.Source.NONE ? null : principal.name(),
        principal.allTenants() ? null : principal.tenant().value(),
        () -> routes.get(principal, this::routesOf));
  }

  /** The routes held to {@code principal}: built once for it, reused by its next requests. */
  private Route routesOf(Principal principal) {
    LatticeClient client = auth.clientFor(principal);
    Route api = concat(metrics.route(client), JsonRequests.required(() -> api(principal, client)));
    return mcp == null ? api : concat(mcp.route(principal, client), api);
  }

  /** {@code /api/v1/...}. */
  private Route api(Principal principal, LatticeClient client) {
    return pathPrefix(
        "api",
        () ->
            pathPrefix(
                "v1",
                () ->
                    concat(
                        runs.route(client),
                        sessions.route(client),
                        node.api(client),
                        invoke.route(principal, client),
                        keys == null ? reject() : keys.route(principal),
                        streamTokens == null ? reject() : streamTokens.route(principal, client),
                        openApi.api())));
  }

  /** {@code inner} for requests that name an allowed host (see {@link AllowedHosts}). */
  private Route allowedHostsOnly(Supplier<Route> inner) {
    return extractUri(
        uri -> {
          if (hosts.allows(uri.host().address(), uri.port())) {
            return inner.get();
          }
          // The names allowed are not listed: under DNS rebinding the page can read this answer.
          return ProblemHandlers.completeProblem(
              Problem.Kind.HOST_NOT_ALLOWED.with(
                  "this node does not answer to host '"
                      + uri.host().address()
                      + "' on port "
                      + uri.port()
                      + "; an operator can allow it in lattice.http.allowed-hosts",
                  "Host"));
        });
  }

  /** The port is known only once bound when 0 was asked for; the allowed hosts follow it. */
  private void listeningOn(int port) {
    hosts = AllowedHosts.of(settings.host(), port, settings.allowedHosts());
  }

  /**
   * Serves the API of {@code lattice} on the address of {@code settings}, over HTTPS when the
   * node's {@code lattice.http.tls} says so; the server stops when the node does.
   */
  public static Server start(Lattice lattice, HttpSettings settings) {
    return start(
        lattice,
        settings,
        ApiTls.create(lattice.system().settings().config()).orElse(null),
        AuthSettings.create(lattice.system().settings().config()));
  }

  /**
   * Serves the API of {@code lattice} on the address of {@code settings}, over HTTPS with {@code
   * tls} (plain HTTP when null); the server stops when the node does.
   */
  public static Server start(Lattice lattice, HttpSettings settings, SSLContext tls) {
    return start(lattice, settings, tls, AuthSettings.create(lattice.system().settings().config()));
  }

  /** {@link #start(Lattice, HttpSettings)} with authentication as {@code authSettings} say. */
  public static Server start(Lattice lattice, HttpSettings settings, AuthSettings authSettings) {
    return start(
        lattice,
        settings,
        ApiTls.create(lattice.system().settings().config()).orElse(null),
        authSettings);
  }

  /**
   * Serves the API of {@code lattice} on the address of {@code settings}, over HTTPS with {@code
   * tls} (plain HTTP when null), with authentication as {@code authSettings} say; the server stops
   * when the node does.
   */
  public static Server start(
      Lattice lattice, HttpSettings settings, SSLContext tls, AuthSettings authSettings) {
    ActorSystem<?> system = lattice.system();
    NodeAuthentication.Started auth = NodeAuthentication.start(lattice, authSettings);
    HttpApi api =
        new HttpApi(lattice.client(), system, settings, authSettings, auth.authenticator());
    ServerBuilder server = Http.get(system).newServerAt(settings.host(), settings.port());
    if (tls != null) {
      server = server.enableHttps(ConnectionContext.httpsServer(tls));
    }
    CompletionStage<ServerBinding> binding =
        server
            .bind(api.route())
            .thenApply(
                b -> {
                  api.listeningOn(b.localAddress().getPort());
                  return b.addToCoordinatedShutdown(settings.shutdownGrace(), system);
                });
    try {
      return new Server(
          binding
              .toCompletableFuture()
              .get(settings.bindTimeout().toMillis(), TimeUnit.MILLISECONDS),
          tls != null,
          auth);
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException(
          "cannot listen on " + settings.host() + ":" + settings.port() + ": " + cause.getMessage(),
          cause);
    }
  }

  /** A running HTTP server. */
  public static final class Server {
    private final ServerBinding binding;
    private final boolean https;
    private final NodeAuthentication.Started auth;

    Server(ServerBinding binding, boolean https, NodeAuthentication.Started auth) {
      this.binding = binding;
      this.https = https;
      this.auth = auth;
    }

    /** Whether it serves HTTPS. */
    public boolean https() {
      return https;
    }

    /** Its authentication: the keys, and where the admin key of the node's first start is. */
    public NodeAuthentication.Started auth() {
      return auth;
    }

    /** Where it listens (with the real port when 0 was asked for). */
    public InetSocketAddress address() {
      return binding.localAddress();
    }

    /** The base URL of the API, e.g. {@code http://127.0.0.1:8080} or {@code https://...}. */
    public String url() {
      return (https ? "https" : "http")
          + "://"
          + address().getHostString()
          + ":"
          + address().getPort();
    }
  }
}
