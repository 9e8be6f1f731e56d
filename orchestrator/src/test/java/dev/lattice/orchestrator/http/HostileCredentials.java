package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.testing.SecuredNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * A node with authentication on and a JWT issuer, and the credentials an attacker or a careless
 * client brings: missing, malformed, forged (a wrong signature, {@code alg: none}, a MAC made with
 * the issuer's public key), expired, for another audience or issuer, revoked, a stream token used
 * as a key or for another run, a key in the URL, an oversized header, and valid credentials of
 * another tenant. All are aimed at tenant {@code alpha}'s things ({@link RequestFuzzIT}).
 */
final class HostileCredentials implements AutoCloseable {
  static final String ISSUER = "https://issuer.test";
  static final String AUDIENCE = "lattice-api";
  static final String MARKER = "marker-of-alpha";

  /**
   * Credentials: an {@code Authorization} value (or null), an {@code access_token} (or null), and
   * whether they are valid ones of another tenant (then what they reach must be nothing of alpha).
   */
  record Credential(String kind, String authorization, String accessToken, boolean foreign) {
    @Override
    public String toString() {
      return kind;
    }
  }

  /** An endpoint aimed at alpha, and what valid credentials of another tenant get there. */
  record Endpoint(String method, String path, String body, int foreignStatus) {}

  private final SecuredNode node;
  private final RSAKey issuerKey;
  private final List<Credential> fixed = new ArrayList<>();
  private final List<Endpoint> endpoints = new ArrayList<>();
  private final List<String> secrets = new ArrayList<>();

  private HostileCredentials(SecuredNode node, RSAKey issuerKey) {
    this.node = node;
    this.issuerKey = issuerKey;
  }

  static HostileCredentials start(Path data) {
    try {
      Files.createDirectories(data);
      RSAKey issuerKey = new RSAKeyGenerator(2048).keyID("issuer-1").generate();
      Path jwks = data.resolve("issuer-jwks.json");
      Files.writeString(jwks, new JWKSet(issuerKey.toPublicJWK()).toString());
      SecuredNode node =
          SecuredNode.start(
              data,
              ConfigFactory.parseString(
                  "lattice.http.auth.jwt { issuer = \""
                      + ISSUER
                      + "\", audience = \""
                      + AUDIENCE
                      + "\", jwks-file = \""
                      + jwks
                      + "\" }"));
      HostileCredentials hostile = new HostileCredentials(node, issuerKey);
      hostile.prepare();
      return hostile;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private void prepare() throws JOSEException {
    String alphaAdmin = node.createKey("alpha", "admin");
    String run =
        node.execute(
            alphaAdmin,
            "{\"tenant\":\"alpha\",\"payload\":{\"m\":\""
                + MARKER
                + "\"},\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\","
                + "\"input\":{\"text\":\"${payload.m}\"}}]}}");
    node.awaitEnded(alphaAdmin, run);
    String other =
        node.execute(
            alphaAdmin,
            "{\"plan\":{\"steps\":[{\"id\":\"w\",\"kind\":\"wait\",\"signal\":\"go\"}]}}");
    String runs = "/api/v1/runs/";
    endpoints.add(new Endpoint("GET", runs + run, null, 404));
    endpoints.add(new Endpoint("GET", runs + run + "/events", null, 404));
    endpoints.add(
        new Endpoint(
            "POST",
            "/api/v1/execute",
            "{\"tenant\":\"alpha\",\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\"}]}}",
            403));
    endpoints.add(new Endpoint("POST", runs + other + "/cancel", "{}", 404));
    endpoints.add(new Endpoint("GET", "/api/v1/keys?tenant=alpha", null, 200));
    endpoints.add(new Endpoint("GET", "/api/v1/runs?tenant=alpha", null, 200));
    endpoints.add(new Endpoint("GET", "/api/v1/sessions/chat?tenant=alpha", null, 404));
    endpoints.add(
        new Endpoint(
            "POST",
            "/mcp",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}",
            200));

    String revoked = node.createKey("alpha", "admin");
    revoke(revoked, "revoke");
    String expired = node.createKey("alpha", "admin");
    revoke(expired, "expire");
    String betaKey = node.createKey("beta", "admin");
    String streamToken =
        SecuredNode.json(
                node.send(
                        alphaAdmin,
                        "POST",
                        "/api/v1/stream-tokens",
                        "{\"runId\":\"" + other + "\"}")
                    .body())
            .get("token")
            .asText();
    RSAKey stranger = new RSAKeyGenerator(2048).keyID("issuer-1").generate();
    Instant now = Instant.now();

    add("missing", null, null);
    add("basic scheme", "Basic YWxhZGRpbjpvcGVuc2VzYW1l", null);
    add("token scheme", "Token " + alphaAdmin, null);
    add("bearer without token", "Bearer ", null);
    add("bare key", alphaAdmin, null);
    add("unknown key", "Bearer lt_" + "A".repeat(43), null);
    add("short key", "Bearer lt_abc", null);
    add("revoked key", "Bearer " + revoked, null);
    add("expired key", "Bearer " + expired, null);
    add("key in the URL", null, alphaAdmin);
    add("stream token as a key", "Bearer " + streamToken, null);
    add("stream token of another run", null, streamToken);
    add(
        "jwt alg none",
        "Bearer " + new PlainJWT(claims(ISSUER, AUDIENCE, "alpha", now)).serialize(),
        null);
    add(
        "jwt wrong signature",
        "Bearer " + rs256(stranger, claims(ISSUER, AUDIENCE, "alpha", now)),
        null);
    add(
        "jwt expired",
        "Bearer "
            + rs256(issuerKey, claims(ISSUER, AUDIENCE, "alpha", now.minus(Duration.ofHours(2)))),
        null);
    add(
        "jwt wrong audience",
        "Bearer " + rs256(issuerKey, claims(ISSUER, "another-api", "alpha", now)),
        null);
    add(
        "jwt wrong issuer",
        "Bearer " + rs256(issuerKey, claims("https://evil.test", AUDIENCE, "alpha", now)),
        null);
    add(
        "jwt hs256 with the issuer's public key",
        "Bearer " + hs256(issuerKey, claims(ISSUER, AUDIENCE, "alpha", now)),
        null);
    add(
        "jwt every tenant without admin",
        "Bearer " + rs256(issuerKey, claims(ISSUER, AUDIENCE, "*", now)),
        null);
    add(
        "jwt truncated",
        "Bearer " + rs256(issuerKey, claims(ISSUER, AUDIENCE, "alpha", now)).substring(0, 60),
        null);
    fixed.add(new Credential("another tenant's key", "Bearer " + betaKey, null, true));
    fixed.add(
        new Credential(
            "another tenant's jwt",
            "Bearer " + rs256(issuerKey, claims(ISSUER, AUDIENCE, "beta", now, List.of("admin"))),
            null,
            true));
    secrets.addAll(List.of(MARKER, alphaAdmin, revoked, expired, betaKey, streamToken));
  }

  private void add(String kind, String authorization, String accessToken) {
    fixed.add(new Credential(kind, authorization, accessToken, false));
  }

  private void revoke(String key, String how) {
    String id =
        SecuredNode.json(
                node.send(node.adminKey(), "GET", "/api/v1/keys?tenant=alpha", null).body())
            .get("keys")
            .findValuesAsText("id")
            .stream()
            .reduce((first, second) -> second)
            .orElseThrow();
    assertThat(
            node.send(node.adminKey(), "POST", "/api/v1/keys/" + id + "/" + how, "{}").statusCode())
        .isEqualTo(200);
    assertThat(node.send(key, "GET", "/api/v1/runs", null).statusCode()).isEqualTo(401);
  }

  /** Claims of a viewer and submitter of {@code tenant}, issued at {@code issued}, for an hour. */
  private static JWTClaimsSet claims(
      String issuer, String audience, String tenant, Instant issued) {
    return claims(issuer, audience, tenant, issued, List.of("viewer", "submitter"));
  }

  static JWTClaimsSet claims(
      String issuer, String audience, String tenant, Instant issued, List<String> roles) {
    return new JWTClaimsSet.Builder()
        .issuer(issuer)
        .audience(audience)
        .subject("mallory")
        .issueTime(Date.from(issued))
        .expirationTime(Date.from(issued.plus(Duration.ofHours(1))))
        .claim("lattice_tenant", tenant)
        .claim("lattice_roles", roles)
        .build();
  }

  static String rs256(RSAKey key, JWTClaimsSet claims) throws JOSEException {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private static String hs256(RSAKey key, JWTClaimsSet claims) throws JOSEException {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(), claims);
    jwt.sign(new MACSigner(key.toPublicJWK().toRSAPublicKey().getEncoded()));
    return jwt.serialize();
  }

  /** The fixed hostile credentials, random garbage, and oversized headers. */
  Arbitrary<Credential> credentials() {
    Arbitrary<Credential> garbage =
        Arbitraries.strings()
            .withCharRange('!', '~')
            .ofMinLength(1)
            .ofMaxLength(300)
            .map(text -> new Credential("garbage", "Bearer " + text, null, false));
    Arbitrary<Credential> oversized =
        Arbitraries.integers()
            .between(9_000, 40_000)
            .map(n -> new Credential("oversized", "Bearer lt_" + "x".repeat(n), null, false));
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.of(fixed)), Tuple.of(2, garbage), Tuple.of(1, oversized));
  }

  int endpoints() {
    return endpoints.size();
  }

  Endpoint endpoint(int index) {
    return endpoints.get(index);
  }

  /** What {@code credential} may be answered with at {@code endpoint}. */
  Set<Integer> expected(Credential credential, int endpoint) {
    if (credential.foreign()) {
      return Set.of(endpoints.get(endpoint).foreignStatus());
    }
    if (credential.kind().equals("oversized")) {
      return Set.of(431);
    }
    return Set.of(401);
  }

  HttpResponse<String> send(Credential credential, int index) {
    Endpoint endpoint = endpoints.get(index);
    String path =
        endpoint.path()
            + (credential.accessToken() == null
                ? ""
                : (endpoint.path().contains("?") ? "&" : "?")
                    + "access_token="
                    + credential.accessToken());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(node.url() + path))
            .timeout(Duration.ofSeconds(15))
            .method(
                endpoint.method(),
                endpoint.body() == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(endpoint.body()));
    if (endpoint.body() != null) {
      request.header("Content-Type", "application/json");
    }
    if (credential.authorization() != null) {
      request.header("Authorization", credential.authorization());
    }
    return node.send(request.build());
  }

  /** No answer to hostile or foreign credentials holds alpha's data or any key or token. */
  void assertNothingOfTheTargetIn(String body, String as) {
    for (String secret : secrets) {
      assertThat(body).as(as).doesNotContain(secret);
    }
  }

  @Override
  public void close() {
    node.close();
  }
}
