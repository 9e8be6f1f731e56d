package dev.lattice.worker.action.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.ToolEffect;
import dev.lattice.protocol.agent.ToolSpec;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.plan.Budget;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionRequest;
import dev.lattice.worker.action.Heartbeats;
import dev.lattice.worker.secret.SecretResolver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The http action against a real server on loopback: what it sends, what it returns, how statuses
 * map to error classes, and what it refuses to send at all.
 */
class HttpActionTest {
  static final String TOKEN = "tok-5ecret-9e2b77";
  private static final ActorTestKit testKit = ActorTestKit.create("http-action");
  private static final ExecutorService executor = Executors.newFixedThreadPool(2);
  private static final Duration WAIT = Duration.ofSeconds(20);

  private TargetServer target;
  private HttpAction action;
  private ActionContext context;

  @BeforeEach
  void start() throws Exception {
    target = new TargetServer();
    action =
        action(
            "allowed-hosts = [\"127.0.0.1\", \"localhost\", \"169.254.169.254\"]\n"
                + "allowed-private-hosts = [\"127.0.0.1\"]");
    context =
        new ActionContext(
            AgentId.of("test.http"),
            executor,
            LatticeJson.mapper(),
            Heartbeats.NONE,
            testKit.system());
  }

  @AfterEach
  void stop() {
    target.close();
  }

  @AfterAll
  static void shutDown() {
    testKit.shutdownTestKit();
    executor.shutdownNow();
  }

  static HttpAction action(String http) {
    HttpSettings settings =
        HttpSettings.create(
            ConfigFactory.parseString("lattice.http { max-response-bytes = 2000\n" + http + "}")
                .withFallback(ConfigFactory.defaultReference())
                .getConfig("lattice.http"));
    return new HttpAction(
        settings,
        new SecretResolver(Map.of("LATTICE_SECRET_CRM_TOKEN", TOKEN)::get, null),
        Clock.systemUTC());
  }

  @Test
  void sendsMethodQueryHeadersAndJsonBodyAndReturnsTheParsedAnswer() {
    JsonNode output =
        run(
            "{'method': 'post', 'url': '%s/echo?a=1&b=x%%20y', 'query': {'c': [2, 3]},"
                + " 'headers': {'X-Trace': 't1'}, 'body': {'n': 1}}");

    assertThat(output.get("status").asInt()).isEqualTo(200);
    assertThat(output.at("/body/method").asText()).isEqualTo("POST");
    assertThat(output.at("/body/body").asText()).isEqualTo("{\"n\":1}");
    assertThat(output.at("/headers/content-type").asText()).startsWith("application/json");
    assertThat(output.get("headers").has("set-cookie")).isFalse();
    TargetServer.Received sent = target.received.get(0);
    assertThat(sent.query()).isEqualTo("a=1&b=x+y&c=2&c=3");
    assertThat(sent.headers()).containsEntry("x-trace", "t1");
    assertThat(sent.headers().get("content-type")).startsWith("application/json");
  }

  @Test
  void everyAttemptOfAStepCarriesTheStepsEffectKeyUnlessTheStepSetsItsOwn() {
    String input = "{'url': '%s/echo'}";
    run(request(1, input));
    run(request(2, input));
    run(request(1, "{'url': '%s/echo', 'headers': {'idempotency-key': 'mine'}}"));

    assertThat(target.received)
        .extracting(r -> r.headers().get("idempotency-key"))
        .containsExactly("run-1/step-1", "run-1/step-1", "mine");
  }

  @Test
  void aSecretIsSentButComesBackOnlyAsItsReference() {
    JsonNode output =
        run(
            "{'url': '%s/echo?key=${secret:crm-token}',"
                + " 'headers': {'Authorization': 'Bearer ${secret:crm-token}'},"
                + " 'body': 'token=${secret:crm-token}'}");

    TargetServer.Received sent = target.received.get(0);
    assertThat(sent.headers()).containsEntry("authorization", "Bearer " + TOKEN);
    assertThat(sent.query()).isEqualTo("key=" + TOKEN);
    assertThat(sent.body()).isEqualTo("token=" + TOKEN);
    assertThat(output.toString())
        .doesNotContain(TOKEN)
        .contains("Bearer ${secret:crm-token}")
        .contains("token=${secret:crm-token}");
    assertThat(output.at("/headers/x-seen").asText()).isEqualTo("Bearer ${secret:crm-token}");

    ActionException refused =
        failure("{'url': '%s/status/404', 'headers': {'Authorization': '${secret:crm-token}'}}");
    assertThat(refused.getMessage()).contains("because ${secret:crm-token}").doesNotContain(TOKEN);
  }

  @Test
  void mapsStatusesToErrorClassesWithTheResponseInTheMessage() {
    ActionException limited = failure("{'url': '%s/status/429'}");
    assertThat(limited.errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
    assertThat(limited.retryAfter()).contains(Duration.ofSeconds(7));

    ActionException broken = failure("{'url': '%s/status/503'}");
    assertThat(broken.errorClass()).isEqualTo(ErrorClass.AGENT_ERROR);
    assertThat(broken.errorClass().retryable()).isTrue();

    ActionException missing = failure("{'url': '%s/status/404'}");
    assertThat(missing.errorClass()).isEqualTo(ErrorClass.INVALID_INPUT);
    assertThat(missing.getMessage()).contains("answered 404").contains("status 404 because");

    ActionException unauthorised = failure("{'url': '%s/status/401'}");
    assertThat(unauthorised.errorClass()).isEqualTo(ErrorClass.AUTH);
    assertThat(failure("{'url': '%s/status/403'}").errorClass()).isEqualTo(ErrorClass.AUTH);
  }

  @Test
  void aHeadRequestReturnsStatusAndHeadersWithAnEmptyBody() {
    JsonNode output = run("{'method': 'HEAD', 'url': '%s/'}");

    assertThat(output.get("status").asInt()).isEqualTo(200);
    assertThat(output.get("body").asText()).isEmpty();
    assertThat(target.received).extracting(TargetServer.Received::method).containsExactly("HEAD");
  }

  @Test
  void aRedirectIsReturnedNotFollowed() {
    JsonNode output = run("{'url': '%s/redirect'}");

    assertThat(output.get("status").asInt()).isEqualTo(302);
    assertThat(output.at("/headers/location").asText()).contains("169.254.169.254");
    assertThat(target.received).hasSize(1);
  }

  @Test
  void aResponseOverTheSizeCapFailsAndAStepMayOnlyLowerTheCap() {
    assertThat(failure("{'url': '%s/big'}").getMessage()).contains("larger than 2000 bytes");
    assertThat(run("{'url': '%s/', 'maxResponseBytes': 100}").get("body").asText())
        .isEqualTo("plain text");
    assertThat(failure("{'url': '%s/', 'maxResponseBytes': 5}").errorClass())
        .isEqualTo(ErrorClass.INVALID_INPUT);
    assertThat(failure("{'url': '%s/', 'maxResponseBytes': 5000}").getMessage())
        .contains("lattice.http.max-response-bytes");
  }

  @Test
  void aCallStillRunningAtTheAttemptsDeadlineTimesOut() {
    ActionException late =
        failure(
            new ActionRequest(
                "run-1",
                "step-1",
                1,
                "run-1/step-1/1",
                "default",
                "http",
                null,
                Budget.UNLIMITED,
                Instant.now().plusMillis(500),
                json("{'url': '%s/hang'}"),
                List.of()));

    assertThat(late.errorClass()).isEqualTo(ErrorClass.TIMEOUT);
  }

  @Test
  void hostsOnNoAllowListAreDeniedNamingTheRule() {
    ActionException denied = failure("{'url': 'http://example.com/'}");

    assertThat(denied.errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(denied.getMessage()).contains("example.com").contains("lattice.http.allowed-hosts");
  }

  @Test
  void anAllowedNameThatResolvesToANonPublicAddressIsDeniedAfterResolution() {
    // localhost is allowed by name but not as a private host: it resolves to loopback.
    ActionException loopback = failure("{'url': 'http://localhost:" + target.port() + "/echo'}");
    assertThat(loopback.errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(loopback.getMessage()).contains("loopback").contains("allowed-private-hosts");

    ActionException metadata = failure("{'url': 'http://169.254.169.254/latest/meta-data/'}");
    assertThat(metadata.errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(metadata.getMessage()).contains("link-local");
    assertThat(target.received).isEmpty();
  }

  @Test
  void templatedValuesCannotChangeTheHost() {
    // What a payload could put into "https://${payload.host}/..." or "...${payload.path}".
    List<String> tricks =
        List.of(
            "http://127.0.0.1:" + target.port() + "@evil.com/echo",
            "http://evil.com/" + target.base() + "/echo",
            "http://evil.com#@127.0.0.1:" + target.port() + "/echo",
            "http://evil.com\\\\@127.0.0.1:" + target.port() + "/echo",
            "http://evil.com%%2F@127.0.0.1:" + target.port() + "/echo",
            "http://127.0.0.1.evil.com:" + target.port() + "/echo",
            "file:///etc/passwd",
            "//127.0.0.1:" + target.port() + "/echo");
    for (String url : tricks) {
      ActionException refused = failure(request(1, "{'url': '" + url + "'}"));
      assertThat(refused.errorClass())
          .as(url)
          .isIn(ErrorClass.POLICY_DENIED, ErrorClass.INVALID_INPUT);
    }
    assertThat(target.received).isEmpty();
  }

  @Test
  void lineBreaksInHeadersAndSecretsInTheAddressAreInvalidInput() {
    List<String> inputs =
        List.of(
            "{'url': '%s/echo', 'headers': {'X-A': 'v\\r\\nX-Injected: 1'}}",
            "{'url': '%s/echo', 'headers': {'X-A': 'v\\nGET /admin HTTP/1.1'}}",
            "{'url': '%s/echo', 'headers': {'X-A\\r\\nX-Injected': 'v'}}",
            "{'url': '%s/echo', 'headers': {'Host': 'evil.com'}}",
            "{'url': '%s/echo', 'headers': {'Transfer-Encoding': 'chunked'}}",
            "{'url': '%s/${secret:crm-token}/echo'}",
            "{'url': '%s/echo', 'extra': 1}",
            "{'url': '%s/echo', 'method': 'CONNECT'}");
    for (String input : inputs) {
      ActionException refused = failure(input);
      assertThat(refused.errorClass()).as(input).isEqualTo(ErrorClass.INVALID_INPUT);
    }
    assertThat(target.received).isEmpty();
  }

  @Test
  void aSecretWithALineBreakIsRefusedWithoutShowingIt() {
    HttpAction withBadSecret =
        new HttpAction(
            HttpSettings.create(
                ConfigFactory.parseString(
                        "lattice.http { allowed-hosts = [\"127.0.0.1\"],"
                            + " allowed-private-hosts = [\"127.0.0.1\"] }")
                    .withFallback(ConfigFactory.defaultReference())
                    .getConfig("lattice.http")),
            new SecretResolver(
                Map.of("LATTICE_SECRET_BAD", TOKEN + "\r\nX-Injected: 1")::get, null),
            Clock.systemUTC());

    ActionException refused =
        failure(
            withBadSecret, request(1, "{'url': '%s/echo', 'headers': {'X-A': '${secret:bad}'}}"));

    assertThat(refused.errorClass()).isEqualTo(ErrorClass.INVALID_INPUT);
    assertThat(refused.getMessage()).doesNotContain(TOKEN);
    assertThat(target.received).isEmpty();
  }

  @Test
  void aScopedSecretGoesOnlyToItsHostsAndForItsTenants() {
    HttpAction scoped =
        action(
            "allowed-hosts = [\"127.0.0.1\", \"127.0.0.2\"]\n"
                + "allowed-private-hosts = [\"127.0.0.1\", \"127.0.0.2\"]\n"
                + "secrets { crm-token { hosts = [\"127.0.0.1\"], tenants = [\"acme\"] } }");
    String input = "{'url': '%s/echo', 'headers': {'Authorization': '${secret:crm-token}'}}";

    ActionException otherTenant = failure(scoped, request(1, input));
    assertThat(otherTenant.errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(otherTenant.getMessage()).contains("lattice.http.secrets.crm-token.tenants");

    ActionException otherHost =
        failure(
            scoped,
            request(
                "acme",
                "{'url': 'http://127.0.0.2:"
                    + target.port()
                    + "/echo', 'headers': {'Authorization': '${secret:crm-token}'}}"));
    assertThat(otherHost.errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(otherHost.getMessage()).contains("lattice.http.secrets.crm-token.hosts");
    ActionException inTheBody =
        failure(
            scoped,
            request(
                "acme",
                "{'url': 'http://127.0.0.2:"
                    + target.port()
                    + "/echo', 'body': {'deep': ['${secret:crm-token}']}}"));
    assertThat(inTheBody.errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(target.received).isEmpty();

    assertThat(
            scoped
                .execute(request("acme", input), context)
                .toCompletableFuture()
                .join()
                .output()
                .get("status")
                .asInt())
        .isEqualTo(200);
  }

  @Test
  void describesItselfAsAnUnsafeToolWithASchema() {
    ToolSpec tool = action.describe("http");

    assertThat(tool.effect()).isEqualTo(ToolEffect.UNSAFE);
    assertThat(tool.inputSchema().at("/required/0").asText()).isEqualTo("url");
    assertThat(tool.inputSchema().at("/properties/method/enum")).hasSize(7);
  }

  private JsonNode run(String input) {
    return run(request(1, input));
  }

  private JsonNode run(ActionRequest request) {
    try {
      return action
          .execute(request, context)
          .toCompletableFuture()
          .get(WAIT.toSeconds(), TimeUnit.SECONDS)
          .output();
    } catch (Exception e) {
      throw new AssertionError("the call failed", e);
    }
  }

  private ActionException failure(String input) {
    return failure(request(1, input));
  }

  private ActionException failure(ActionRequest request) {
    return failure(action, request);
  }

  private ActionException failure(HttpAction which, ActionRequest request) {
    Throwable thrown =
        catchThrowable(
            () ->
                which
                    .execute(request, context)
                    .toCompletableFuture()
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS));
    Throwable cause = thrown;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    assertThat(cause).isInstanceOf(ActionException.class);
    return (ActionException) cause;
  }

  private ActionRequest request(int attempt, String input) {
    return request(attempt, "default", input);
  }

  private ActionRequest request(String tenant, String input) {
    return request(1, tenant, input);
  }

  private ActionRequest request(int attempt, String tenant, String input) {
    return new ActionRequest(
        "run-1",
        "step-1",
        attempt,
        "run-1/step-1/" + attempt,
        tenant,
        "http",
        null,
        Budget.UNLIMITED,
        Instant.now().plus(WAIT),
        json(input),
        List.of());
  }

  private JsonNode json(String input) {
    try {
      return LatticeJson.mapper().readTree(input.replace('\'', '"').formatted(target.base()));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
