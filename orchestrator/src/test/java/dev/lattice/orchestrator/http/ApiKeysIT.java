package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.http.auth.ApiKeys;
import dev.lattice.orchestrator.http.auth.KeyMaterial;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.DatabaseText;
import dev.lattice.orchestrator.testing.SecuredNode;
import dev.lattice.persistence.auth.ApiKeyRow;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * API keys on a real node with its H2 file journal: the first start writes an admin key to a file
 * only its owner may read, a restart makes none; keys are stored as their hash and never reach the
 * journal, the logs or an answer but the one that created them; a revoked key stops at once on the
 * node that revoked it and within the cache's time on another; an expired key stops exactly when it
 * expires; a stream token opens one run's events for a browser, and nothing else.
 */
class ApiKeysIT {
  private static final Duration CACHE = Duration.ofSeconds(2);

  @TempDir Path data;

  @Test
  void keysAreHashedShownOnceRevokedWithinTheCacheTimeAndNeverLogged() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs.start();
    root.addAppender(logs);
    String admin;
    String submitter;
    try (SecuredNode node =
        SecuredNode.start(
            data, ConfigFactory.parseString("lattice.http.auth.keys.cache-ttl = 2s"))) {
      admin = node.adminKey();
      Path file = node.server().auth().adminKeyFile();
      assertThat(file).isEqualTo(data.resolve("admin.key"));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");

      HttpResponse<String> created =
          node.send(
              admin,
              "POST",
              "/api/v1/keys",
              "{\"tenant\":\"acme\",\"roles\":[\"submitter\"],\"name\":\"ci\"}");
      assertThat(created.statusCode()).isEqualTo(201);
      JsonNode key = SecuredNode.json(created.body());
      submitter = key.get("key").asText();
      String id = key.get("id").asText();
      assertThat(created.headers().firstValue("Location")).contains("/api/v1/keys/" + id);
      assertThat(key.get("status").asText()).isEqualTo("active");

      // Stored as its hash; never shown again.
      ApiKeyRow row = node.lattice().authStore().find(id).orElseThrow();
      assertThat(row.hash()).isEqualTo(KeyMaterial.hash(submitter)).doesNotContain(submitter);
      String listed = node.send(admin, "GET", "/api/v1/keys", null).body();
      assertThat(listed).contains(id).doesNotContain(submitter).doesNotContain(row.hash());
      assertThat(node.send(admin, "GET", "/api/v1/keys/" + id, null).body())
          .doesNotContain(submitter);

      // A second API on the same node has caches of its own, as another node of a cluster would.
      String other = secondApi(node);
      String runId =
          node.execute(
              submitter, "{\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\"}]}}");
      assertThat(get(other, "/api/v1/runs/" + runId, submitter)).isEqualTo(200);

      assertThat(node.send(admin, "POST", "/api/v1/keys/" + id + "/revoke", "{}").body())
          .contains("\"status\":\"revoked\"");
      assertThat(node.send(submitter, "GET", "/api/v1/runs", null).statusCode()).isEqualTo(401);
      // The other stops accepting it once its cache has forgotten the key: within cache-ttl.
      Instant revoked = Instant.now();
      Await.until(() -> get(other, "/api/v1/runs", submitter) == 401, CACHE.multipliedBy(3));
      assertThat(Duration.between(revoked, Instant.now())).isLessThan(CACHE.plusSeconds(2));

      // Expiry is exact, cache or not.
      String shortLived =
          SecuredNode.json(
                  node.send(
                          admin,
                          "POST",
                          "/api/v1/keys",
                          "{\"tenant\":\"acme\",\"roles\":[\"viewer\"],\"expiresAt\":\""
                              + Instant.now().plusSeconds(2)
                              + "\"}")
                      .body())
              .get("key")
              .asText();
      assertThat(get(other, "/api/v1/runs", shortLived)).isEqualTo(200);
      Await.until(() -> get(other, "/api/v1/runs", shortLived) == 401, Duration.ofSeconds(10));

      // A tenant's admin sees and makes its own tenant's keys only.
      String acmeAdmin = node.createKey("acme", "admin");
      assertThat(node.send(acmeAdmin, "GET", "/api/v1/keys", null).body())
          .contains(id)
          .doesNotContain("\"id\":\"" + ApiKeys.BOOTSTRAP_ID + "\"");
      assertThat(
              node.send(
                      acmeAdmin, "POST", "/api/v1/keys", "{\"tenant\":\"*\",\"roles\":[\"admin\"]}")
                  .statusCode())
          .isEqualTo(403);
      assertThat(
              node.send(admin, "POST", "/api/v1/keys", "{\"tenant\":\"*\",\"roles\":[\"viewer\"]}")
                  .statusCode())
          .isEqualTo(400);

      streamTokensOpenOneRunsEventsOnly(node, acmeAdmin, runId);
    } finally {
      root.detachAppender(logs);
    }

    // A restart makes no new key, and the first still works.
    try (SecuredNode again = SecuredNode.start(data, ConfigFactory.empty())) {
      assertThat(again.server().auth().adminKeyCreated()).isFalse();
      assertThat(again.adminKey()).isEqualTo(admin);
      assertThat(again.send(admin, "GET", "/api/v1/runs", null).statusCode()).isEqualTo(200);
    }

    for (ILoggingEvent event : logs.list) {
      assertThat(event.getFormattedMessage()).doesNotContain(admin).doesNotContain(submitter);
    }
    assertThat(logs.list).anyMatch(e -> e.getFormattedMessage().contains("admin.key"));
    try (Stream<Path> files = Files.walk(data)) {
      for (Path journal : files.filter(p -> p.toString().endsWith(".db")).toList()) {
        String bytes = new String(Files.readAllBytes(journal), StandardCharsets.ISO_8859_1);
        assertThat(bytes).as(journal.toString()).doesNotContain(admin).doesNotContain(submitter);
      }
    }
  }

  @Test
  void everyChangeOfAKeyIsInThePolicyAuditChainWithItsIdButNeverTheKey() throws Exception {
    try (SecuredNode node = SecuredNode.start(data, ConfigFactory.empty())) {
      String admin = node.adminKey();
      long before = policyRows(node, admin);

      JsonNode created =
          SecuredNode.json(
              node.send(
                      admin,
                      "POST",
                      "/api/v1/keys",
                      "{\"tenant\":\"acme\",\"roles\":[\"viewer\"],\"name\":\"audited\"}")
                  .body());
      String key = created.get("key").asText();
      String id = created.get("id").asText();
      assertThat(node.send(admin, "POST", "/api/v1/keys/" + id + "/expire", "{}").statusCode())
          .isEqualTo(200);
      assertThat(node.send(admin, "POST", "/api/v1/keys/" + id + "/revoke", "{}").statusCode())
          .isEqualTo(200);
      // Revoking it again changes nothing, and records nothing.
      assertThat(node.send(admin, "POST", "/api/v1/keys/" + id + "/revoke", "{}").statusCode())
          .isEqualTo(200);

      // Recorded once each change took effect: three rows, the chain intact.
      assertThat(policyRows(node, admin)).isEqualTo(before + 3);
      String chains =
          DatabaseText.tables(node.lattice()).stream()
              .filter(table -> table.startsWith("lattice_audit\n"))
              .findFirst()
              .orElseThrow();
      assertThat(chains)
          .contains("created API key " + id + " (tenant acme, roles viewer)")
          .contains("made API key " + id + " expire at now")
          .contains("revoked API key " + id)
          .contains(ApiKeys.BOOTSTRAP_ID)
          .doesNotContain(key)
          .doesNotContain(KeyMaterial.hash(key))
          .doesNotContain(admin);
    }
  }

  private static long policyRows(SecuredNode node, String admin) {
    JsonNode verified =
        SecuredNode.json(node.send(admin, "GET", "/api/v1/audit/verify?chain=policy", null).body());
    assertThat(verified.get("intact").asBoolean()).as(verified.toString()).isTrue();
    return verified.get("chains").get(0).get("rows").asLong();
  }

  @Test
  void anAdminKeyFromASecretIsRegisteredInsteadOfOneWrittenToTheDataDirectory() throws Exception {
    Path secret = Files.createDirectories(data.resolve("secret")).resolve("key");
    String key = KeyMaterial.newKey();
    Files.writeString(secret, key + "\n");
    try (SecuredNode node =
        SecuredNode.start(
            data,
            ConfigFactory.parseString(
                "lattice.http.auth.admin-key.import = \""
                    + secret.toString().replace("\\", "/")
                    + "\""))) {
      assertThat(node.adminKey()).isEqualTo(key);
      assertThat(node.send(key, "GET", "/api/v1/state", null).statusCode()).isEqualTo(200);
      assertThat(data.resolve("admin.key")).doesNotExist();
    }
  }

  private static void streamTokensOpenOneRunsEventsOnly(
      SecuredNode node, String acmeAdmin, String runId) {
    HttpResponse<String> issued =
        node.send(acmeAdmin, "POST", "/api/v1/stream-tokens", "{\"runId\":\"" + runId + "\"}");
    assertThat(issued.statusCode()).isEqualTo(201);
    JsonNode token = SecuredNode.json(issued.body());
    String events = token.get("events").asText();
    assertThat(events).startsWith("/api/v1/runs/" + runId + "/events?access_token=");
    HttpResponse<String> followed = node.send(null, "GET", events, null);
    assertThat(followed.statusCode()).isEqualTo(200);
    assertThat(followed.body()).contains("run.completed");
    // Nothing else: not the run itself, nor another run's events.
    String other =
        node.execute(acmeAdmin, "{\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\"}]}}");
    String access = events.substring(events.indexOf('?'));
    assertThat(node.send(null, "GET", "/api/v1/runs/" + runId + access, null).statusCode())
        .isEqualTo(401);
    assertThat(
            node.send(null, "GET", "/api/v1/runs/" + other + "/events" + access, null).statusCode())
        .isEqualTo(401);
    // Another tenant's run has no token for anyone of acme.
    String foreign =
        node.execute(
            node.adminKey(),
            "{\"tenant\":\"zeta\",\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\"}]}}");
    assertThat(
            node.send(acmeAdmin, "POST", "/api/v1/stream-tokens", "{\"runId\":\"" + foreign + "\"}")
                .statusCode())
        .isEqualTo(404);
  }

  private static String secondApi(SecuredNode node) {
    return HttpApi.start(
            node.lattice(),
            HttpSettings.create(node.lattice().system().settings().config())
                .withAddress("127.0.0.1", 0))
        .url();
  }

  private static int get(String api, String path, String key) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create(api + path))
                  .header("Authorization", "Bearer " + key)
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
