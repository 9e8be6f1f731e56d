package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.testing.SecuredNode;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JWTs of an OIDC issuer whose keys the node fetches from its JWKS URL (here a local server): a
 * token's tenant and roles come from its claims (nested ones too, as Keycloak puts roles), a key
 * the issuer rotates in is fetched when a token names it, and the keys are not fetched for every
 * request.
 */
class JwtAuthenticationIT {
  @TempDir Path data;

  @Test
  void tokensOfTheIssuerAreCheckedWithItsPublishedKeysAndMappedToTenantAndRoles() throws Exception {
    RSAKey first = new RSAKeyGenerator(2048).keyID("first").generate();
    RSAKey second = new RSAKeyGenerator(2048).keyID("second").generate();
    AtomicReference<JWKSet> published = new AtomicReference<>(new JWKSet(first.toPublicJWK()));
    AtomicInteger fetches = new AtomicInteger();
    HttpServer issuer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    issuer.createContext(
        "/jwks",
        exchange -> {
          fetches.incrementAndGet();
          byte[] body = published.get().toString().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    issuer.start();
    String jwks = "http://127.0.0.1:" + issuer.getAddress().getPort() + "/jwks";
    try (SecuredNode node =
        SecuredNode.start(
            data,
            ConfigFactory.parseString(
                "lattice.http.auth.jwt { issuer = \""
                    + HostileCredentials.ISSUER
                    + "\", audience = \""
                    + HostileCredentials.AUDIENCE
                    + "\", jwks-url = \""
                    + jwks
                    + "\", claims.roles = \"realm_access.roles\" }"))) {
      String acmeRun =
          node.execute(
              node.adminKey(),
              "{\"tenant\":\"acme\",\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\"}]}}");
      String otherRun =
          node.execute(
              node.adminKey(), "{\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\"}]}}");
      String viewer = token(first, "acme", List.of("viewer", "offline_access"));

      assertThat(node.send(viewer, "GET", "/api/v1/runs/" + acmeRun, null).statusCode())
          .isEqualTo(200);
      assertThat(node.send(viewer, "GET", "/api/v1/runs/" + otherRun, null).statusCode())
          .isEqualTo(404);
      HttpResponse<String> refused =
          node.send(
              viewer,
              "POST",
              "/api/v1/execute",
              "{\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\"}]}}");
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.body()).contains("jwt:mallory");
      for (int i = 0; i < 20; i++) {
        assertThat(node.send(viewer, "GET", "/api/v1/runs", null).statusCode()).isEqualTo(200);
      }
      assertThat(fetches.get()).isEqualTo(1);

      // Signed in to the dashboard with the token, a browser is that principal, held to its tenant.
      HttpResponse<String> signedIn =
          node.send(
              HttpRequest.newBuilder(URI.create(node.url() + "/ui/session"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + viewer + "\"}"))
                  .build());
      assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
      assertThat(signedIn.body()).contains("\"principal\":\"jwt:mallory\"");
      String cookie =
          signedIn.headers().allValues("Set-Cookie").stream()
              .filter(c -> c.startsWith("lattice_session="))
              .map(c -> c.substring(0, c.indexOf(';')))
              .findFirst()
              .orElseThrow();
      assertThat(cookie).doesNotContain(viewer);
      assertThat(byCookie(node, cookie, "/api/v1/runs/" + acmeRun)).isEqualTo(200);
      assertThat(byCookie(node, cookie, "/api/v1/runs/" + otherRun)).isEqualTo(404);

      // The issuer rotates its key: a token signed with the new one is accepted once fetched.
      published.set(new JWKSet(List.of(first.toPublicJWK(), second.toPublicJWK())));
      String submitter = token(second, "acme", List.of("submitter"));
      HttpResponse<String> started =
          node.send(
              submitter,
              "POST",
              "/api/v1/execute",
              "{\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\"}]}}");
      assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
      assertThat(
              SecuredNode.json(
                      node.send(node.adminKey(), "GET", "/api/v1/runs/" + runId(started), null)
                          .body())
                  .get("tenant")
                  .asText())
          .isEqualTo("acme");
      // A token of a key the issuer does not publish is refused.
      String forged =
          token(new RSAKeyGenerator(2048).keyID("third").generate(), "acme", List.of("admin"));
      assertThat(node.send(forged, "GET", "/api/v1/runs", null).statusCode()).isEqualTo(401);
    } finally {
      issuer.stop(0);
    }
  }

  private static int byCookie(SecuredNode node, String cookie, String path) {
    return node.send(
            HttpRequest.newBuilder(URI.create(node.url() + path)).header("Cookie", cookie).build())
        .statusCode();
  }

  private static String runId(HttpResponse<String> started) {
    return SecuredNode.json(started.body()).get("runId").asText();
  }

  /** A token of the issuer with Keycloak's shape: roles in realm_access.roles. */
  private static String token(RSAKey key, String tenant, List<String> roles) throws Exception {
    return HostileCredentials.rs256(
        key,
        new com.nimbusds.jwt.JWTClaimsSet.Builder(
                HostileCredentials.claims(
                    HostileCredentials.ISSUER,
                    HostileCredentials.AUDIENCE,
                    tenant,
                    Instant.now(),
                    List.of()))
            .claim("realm_access", java.util.Map.of("roles", roles))
            .build());
  }
}
