package dev.lattice.modelserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.lattice.modelserver.ModelServerSettings;
import dev.lattice.modelserver.Protocol;
import dev.lattice.modelserver.RecordedRequest;
import dev.lattice.modelserver.ServedAnswer;
import dev.lattice.modelserver.anthropic.AnthropicProtocol;
import dev.lattice.modelserver.openai.OpenAiProtocol;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.ScriptPlayer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's endpoints: records every request, checks its key and the rate limits, asks the
 * script for the answer and sends it in the protocol of the endpoint the request reached.
 */
public final class ModelEndpoints implements RequestHandler {

  private static final Logger log = LoggerFactory.getLogger(ModelEndpoints.class);
  private static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "x-api-key");
  private static final String TOOL_CALL_ID = "call_";

  private final ModelServerSettings settings;
  private final Script script;
  private final ScriptPlayer player;
  private final RateLimiter limiter;
  private final RequestLog requests;
  private final Materializer materializer;
  private final Responses responses;
  private final OpenAiProtocol openAi = new OpenAiProtocol();
  private final AnthropicProtocol anthropic = new AnthropicProtocol();
  // Tool calls a script gives no id are numbered across the server's answers, in order.
  private final AtomicInteger toolCallIds = new AtomicInteger();

  public ModelEndpoints(
      Script script, ModelServerSettings settings, RequestLog requests, Materializer materializer) {
    this.settings = settings;
    this.script = script;
    this.player = new ScriptPlayer(script);
    this.limiter = new RateLimiter(script, settings.clock());
    this.requests = requests;
    this.materializer = materializer;
    this.responses = new Responses(materializer, settings.clock(), settings.dropGrace());
  }

  @Override
  public CompletionStage<HttpResponse> handle(HttpRequest request, Runnable dropConnection) {
    return request
        .entity()
        .toStrict(settings.requestBodyTimeout().toMillis(), materializer)
        .thenCompose(strict -> route(request, strict.getData().utf8String(), dropConnection));
  }

  private CompletionStage<HttpResponse> route(HttpRequest request, String body, Runnable drop) {
    String path = request.getUri().path();
    boolean post = request.method().equals(HttpMethods.POST);
    if (post && path.equals("/v1/chat/completions")) {
      return model(openAi, request, body, drop);
    }
    if (post && path.equals("/v1/messages")) {
      return model(anthropic, request, body, drop);
    }
    record(Protocol.OPENAI, request, body);
    if (request.method().equals(HttpMethods.GET) && path.equals("/v1/models")) {
      return done(models(request));
    }
    ModelError notFound =
        ModelError.notFound(
            "no endpoint "
                + request.method().name()
                + " "
                + path
                + "; this server answers POST /v1/chat/completions, POST /v1/messages and"
                + " GET /v1/models");
    return done(responses.error(openAi, notFound, List.of()));
  }

  private HttpResponse models(HttpRequest request) {
    if (!authorized(openAi, request)) {
      return responses.error(openAi, unauthorized(), List.of());
    }
    String list = openAi.models(script.listedModels(), settings.clock().instant());
    return HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, list));
  }

  private CompletionStage<HttpResponse> model(
      ProviderProtocol provider, HttpRequest request, String body, Runnable drop) {
    RecordedRequest recorded = record(provider.protocol(), request, body);
    String requested = recorded.body().path("model").asText(settings.answers().model());
    try {
      if (!authorized(provider, request)) {
        throw new RequestRejected(unauthorized());
      }
      ModelCall call = provider.read(request, WireJson.parse(body));
      RateLimiter.Admission admission = limiter.admit(call.model());
      if (!admission.admitted()) {
        long seconds = roundUpSeconds(admission);
        String message = "rate limit reached for " + call.model() + "; retry in " + seconds + "s";
        return done(
            responses.error(
                provider,
                ModelError.rateLimited(message, seconds),
                headers(provider, call.model())));
      }
      Optional<ScriptEntry> entry = player.next(call.turn());
      if (entry.isEmpty()) {
        String why = player.whyNoEntry(call.turn());
        return done(
            responses.error(
                provider, ModelError.invalidRequest(why), headers(provider, call.model())));
      }
      Answer answer =
          Answer.of(
              entry.get(),
              call,
              settings.answers(),
              () -> TOOL_CALL_ID + toolCallIds.incrementAndGet());
      if (entry.get().fault() == null) {
        limiter.spend(call.model(), answer.totalTokens());
      }
      Runnable ended =
          () -> requests.answered(new ServedAnswer(recorded, settings.clock().instant()));
      return responses.answer(
          provider,
          call,
          answer,
          entry.get().fault(),
          headers(provider, call.model()),
          drop,
          ended);
    } catch (RequestRejected e) {
      log.debug("{} {}: {}", request.method().name(), request.getUri().path(), e.getMessage());
      return done(responses.error(provider, e.error(), headers(provider, requested)));
    }
  }

  private static long roundUpSeconds(RateLimiter.Admission admission) {
    var wait = admission.retryAfter().orElseThrow();
    return Math.max(1, wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0));
  }

  private boolean authorized(ProviderProtocol provider, HttpRequest request) {
    return settings.apiKey().map(key -> provider.authorized(request, key)).orElse(true);
  }

  private static ModelError unauthorized() {
    return ModelError.unauthorized("invalid x-api-key or Authorization bearer token");
  }

  private List<HttpHeader> headers(ProviderProtocol provider, String model) {
    Instant now = settings.clock().instant();
    return provider.rateLimitHeaders(limiter.status(model), now);
  }

  /** Records the request (credentials redacted), its body as JSON. */
  private RecordedRequest record(Protocol protocol, HttpRequest request, String body) {
    JsonNode json = bodyJson(body);
    Map<String, String> headers = new LinkedHashMap<>();
    for (HttpHeader header : request.getHeaders()) {
      String name = header.lowercaseName();
      String value = CREDENTIAL_HEADERS.contains(name) ? RecordedRequest.REDACTED : header.value();
      headers.merge(name, value, (a, b) -> a + ", " + b);
    }
    String model = json.path("model").isTextual() ? json.path("model").asText() : "";
    RecordedRequest recorded =
        new RecordedRequest(
            protocol,
            request.method().name(),
            request.getUri().path(),
            model,
            headers,
            json,
            settings.clock().instant());
    requests.add(recorded);
    return recorded;
  }

  private static JsonNode bodyJson(String body) {
    if (body.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return WireJson.parse(body);
    } catch (RequestRejected notJson) {
      return TextNode.valueOf(body);
    }
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }
}
