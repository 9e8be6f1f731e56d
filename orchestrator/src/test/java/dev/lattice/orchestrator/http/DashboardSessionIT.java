package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.testing.SecuredNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The dashboard over real HTTP on a node with authentication on: its pages and assets (content
 * types, caching, the Content-Security-Policy), signing in with a key and with a one-time link, the
 * session cookie as the API's credentials, the CSRF token that requests changing something must
 * carry, and that the key itself is never in a cookie, a URL or a log line.
 */
class DashboardSessionIT {
  private static final String PLAN =
      "{\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\",\"input\":{\"text\":\"x\"}}]}}";
  private static final Pattern ASSET = Pattern.compile("src=\"(/ui/assets/([0-9a-f]+)/[^\"]+)\"");

  @TempDir static Path data;
  static SecuredNode node;
  static final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  static final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  static Level rootLevel;

  /** Every Set-Cookie and Location header any answer had, to look for keys in. */
  static final List<String> sent = new ArrayList<>();

  @BeforeAll
  static void start() {
    rootLevel = root.getLevel();
    root.setLevel(Level.DEBUG);
    logs.start();
    root.addAppender(logs);
    node = SecuredNode.start(data, ConfigFactory.empty());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    root.detachAppender(logs);
    root.setLevel(rootLevel);
  }

  @Test
  void servesItsPagesAndAssetsWithTheirTypesCachingAndPolicy() {
    HttpResponse<String> signIn = get("/ui/sign-in", null);
    assertThat(signIn.statusCode()).isEqualTo(200);
    assertThat(signIn.headers().firstValue("Content-Type")).hasValue("text/html; charset=UTF-8");
    assertThat(signIn.headers().firstValue("Cache-Control")).hasValue("no-cache");
    String policy = signIn.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(policy).contains("script-src 'self'").contains("frame-ancestors 'none'");
    assertThat(policy).doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
    assertThat(signIn.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(signIn.body()).doesNotContain("<script>").doesNotContain("@ASSETS@");

    Matcher script = ASSET.matcher(signIn.body());
    assertThat(script.find()).isTrue();
    HttpResponse<String> asset = get(script.group(1), null);
    assertThat(asset.statusCode()).isEqualTo(200);
    assertThat(asset.headers().firstValue("Content-Type"))
        .hasValue("text/javascript; charset=UTF-8");
    assertThat(asset.headers().firstValue("Cache-Control"))
        .hasValue("public, max-age=31536000, immutable");
    HttpResponse<String> stale = get(script.group(1).replace(script.group(2), "0000"), null);
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(stale.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(
            get("/ui/assets/" + script.group(2) + "/app.css", null)
                .headers()
                .firstValue("Content-Type"))
        .hasValue("text/css; charset=UTF-8");
    assertThat(get("/ui/assets/" + script.group(2) + "/nothing.js", null).statusCode())
        .isEqualTo(404);
    assertThat(get("/ui/assets/" + script.group(2) + "/..%2F..%2Findex.html", null).statusCode())
        .isEqualTo(404);
  }

  @Test
  void pagesSendABrowserThatHasNotSignedInToSignIn() {
    HttpResponse<String> page = get("/ui/runs", null);
    assertThat(page.statusCode()).isEqualTo(303);
    assertThat(page.headers().firstValue("Location")).hasValue("/ui/sign-in");
    assertThat(get("/ui", null).headers().firstValue("Location")).hasValue("/ui/");
    assertThat(get("/ui/runs", "lattice_session=forged").statusCode()).isEqualTo(303);
    assertThat(get("/ui/nowhere", signIn(node.adminKey())).statusCode()).isEqualTo(404);
  }

  @Test
  void signingInWithAKeySetsASessionCookieTheApiTakesAndThePagesToo() {
    HttpResponse<String> answer = signInAnswer("{\"key\":\"" + node.adminKey() + "\"}");
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("\"principal\":\"key:key_bootstrap-admin\"");
    List<String> cookies = answer.headers().allValues("Set-Cookie");
    String session =
        cookies.stream().filter(c -> c.startsWith("lattice_session=")).findFirst().orElseThrow();
    assertThat(session)
        .contains("HttpOnly")
        .contains("SameSite=Strict")
        .contains("Path=/")
        .contains("Max-Age=")
        .doesNotContain("Secure");
    String csrf =
        cookies.stream().filter(c -> c.startsWith("lattice_csrf=")).findFirst().orElseThrow();
    assertThat(csrf).contains("SameSite=Strict").doesNotContain("HttpOnly");

    String cookie = cookieHeader(answer);
    assertThat(get("/api/v1/runs", cookie).statusCode()).isEqualTo(200);
    HttpResponse<String> page = get("/ui/runs", cookie);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<main");
    assertThat(get("/ui/session", cookie).body()).contains("\"tenant\":\"*\"");
  }

  @Test
  void theSessionCookieOpensARunsEventStream() {
    String cookie = signIn(node.adminKey());
    String runId = node.execute(node.adminKey(), PLAN);
    node.awaitEnded(node.adminKey(), runId);
    HttpResponse<String> events =
        send(
            "GET",
            "/api/v1/runs/" + runId + "/events",
            null,
            cookie,
            Map.of("Accept", "text/event-stream"));
    assertThat(events.statusCode()).as(events.body()).isEqualTo(200);
    assertThat(events.body()).contains("event:run.completed").contains("id:1");
  }

  @Test
  void aRequestThatChangesSomethingByCookieNeedsTheCsrfToken() {
    HttpResponse<String> answer = signInAnswer("{\"key\":\"" + node.adminKey() + "\"}");
    String cookie = cookieHeader(answer);
    String token = cookieValue(answer, "lattice_csrf");

    HttpResponse<String> without = post("/api/v1/execute", PLAN, cookie, Map.of());
    assertThat(without.statusCode()).isEqualTo(403);
    assertThat(without.body()).contains("\"field\":\"X-Lattice-CSRF\"");
    assertThat(
            post("/api/v1/execute", PLAN, cookie, Map.of("X-Lattice-CSRF", "wrong")).statusCode())
        .isEqualTo(403);
    assertThat(post("/api/v1/execute", PLAN, cookie, Map.of("X-Lattice-CSRF", token)).statusCode())
        .isEqualTo(202);
    // A key in the header needs none: no browser sends it by itself.
    assertThat(node.send(node.adminKey(), "POST", "/api/v1/execute", PLAN).statusCode())
        .isEqualTo(202);
  }

  @Test
  void forgedExpiredAndRevokedSessionsAreRefused() throws Exception {
    String cookie = signIn(node.adminKey());
    String token = cookie.replaceAll(".*lattice_session=([^;]+).*", "$1");
    String[] parts = token.split("\\.");
    String tampered = parts[0] + "." + parts[1] + "x." + parts[2];
    assertThat(get("/api/v1/runs", "lattice_session=" + tampered).statusCode()).isEqualTo(401);

    // Signed with the node's own secret, as a node would, but expired a minute ago.
    byte[] secret =
        Base64.getUrlDecoder()
            .decode(node.lattice().authStore().signingSecret("ui-sessions", () -> "unused"));
    JWTClaimsSet expired =
        new JWTClaimsSet.Builder()
            .issuer("lattice")
            .audience("lattice-ui")
            .subject("key_bootstrap-admin")
            .claim("src", "API_KEY")
            .claim("tenant", "*")
            .claim("roles", List.of("admin"))
            .claim("csrf", "x")
            .issueTime(Date.from(Instant.now().minus(Duration.ofHours(1))))
            .expirationTime(Date.from(Instant.now().minus(Duration.ofMinutes(1))))
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256)
                .type(new JOSEObjectType("lattice-ui+jwt"))
                .build(),
            expired);
    jwt.sign(new MACSigner(secret));
    assertThat(get("/api/v1/runs", "lattice_session=" + jwt.serialize()).statusCode())
        .isEqualTo(401);

    String key = node.createKey("acme", "operator");
    String session = signIn(key);
    assertThat(get("/api/v1/runs", session).statusCode()).isEqualTo(200);
    String id =
        SecuredNode.json(node.send(node.adminKey(), "GET", "/api/v1/keys?tenant=acme", null).body())
            .get("keys")
            .get(0)
            .get("id")
            .asText();
    assertThat(
            node.send(node.adminKey(), "POST", "/api/v1/keys/" + id + "/revoke", "{}").statusCode())
        .isEqualTo(200);
    assertThat(get("/api/v1/runs", session).statusCode()).isEqualTo(401);
    assertThat(signInAnswer("{\"key\":\"" + key + "\"}").statusCode()).isEqualTo(401);
  }

  @Test
  void aOneTimeLinkSignsInOnceAndSignOutClearsTheCookies() {
    HttpResponse<String> link = node.send(node.adminKey(), "POST", "/ui/session/links", "{}");
    assertThat(link.statusCode()).isEqualTo(201);
    String url = SecuredNode.json(link.body()).get("url").asText();
    assertThat(url).startsWith("/ui/sign-in#code=");
    String code = url.substring(url.indexOf("#code=") + "#code=".length());
    HttpResponse<String> first = signInAnswer("{\"code\":\"" + code + "\"}");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(signInAnswer("{\"code\":\"" + code + "\"}").statusCode()).isEqualTo(401);

    String cookie = cookieHeader(first);
    HttpResponse<String> out = send("DELETE", "/ui/session", "{}", cookie, Map.of());
    assertThat(out.statusCode()).isEqualTo(204);
    assertThat(out.headers().allValues("Set-Cookie"))
        .anyMatch(c -> c.startsWith("lattice_session=;") && c.contains("Max-Age=0"));
  }

  @Test
  void theKeyIsNeverInACookieAUrlOrALogLine() {
    String key = node.createKey("acme", "viewer");
    String cookie = signIn(key);
    get("/ui/runs", cookie);
    get("/api/v1/runs", cookie);
    send("DELETE", "/ui/session", "{}", cookie, Map.of());
    assertThat(signInAnswer("{\"key\":\"" + key + "x\"}").statusCode()).isEqualTo(401);
    assertThat(sent).isNotEmpty().noneMatch(header -> header.contains(key));
    assertThat(cookie).doesNotContain(key);
    assertThat(logs.list)
        .isNotEmpty()
        .noneMatch(event -> event.getFormattedMessage().contains(key.substring(3)));
  }

  // --- requests -------------------------------------------------------------------------------

  private static String signIn(String key) {
    HttpResponse<String> answer = signInAnswer("{\"key\":\"" + key + "\"}");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return cookieHeader(answer);
  }

  private static HttpResponse<String> signInAnswer(String body) {
    return post("/ui/session", body, null, Map.of());
  }

  /** The Cookie header a browser would send after {@code answer}. */
  private static String cookieHeader(HttpResponse<String> answer) {
    return "lattice_session="
        + cookieValue(answer, "lattice_session")
        + "; lattice_csrf="
        + cookieValue(answer, "lattice_csrf");
  }

  private static String cookieValue(HttpResponse<String> answer, String name) {
    return answer.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(name + "="))
        .map(c -> c.substring(name.length() + 1, c.indexOf(';')))
        .findFirst()
        .orElseThrow();
  }

  private static HttpResponse<String> get(String path, String cookie) {
    return send("GET", path, null, cookie, Map.of());
  }

  private static HttpResponse<String> post(
      String path, String body, String cookie, Map<String, String> headers) {
    return send("POST", path, body, cookie, headers);
  }

  private static HttpResponse<String> send(
      String method, String path, String body, String cookie, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(node.url() + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    headers.forEach(request::header);
    HttpResponse<String> response = node.send(request.build());
    sent.addAll(response.headers().allValues("Set-Cookie"));
    sent.addAll(response.headers().allValues("Location"));
    return response;
  }
}
