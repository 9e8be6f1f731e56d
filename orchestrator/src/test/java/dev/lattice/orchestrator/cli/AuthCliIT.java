package dev.lattice.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.orchestrator.testing.ChildJvm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two-command start with authentication on, as a user runs it: {@code lattice up} creates an
 * admin key in its data directory (owner only) and says where, never what; the {@code lattice}
 * command in the same directory finds it; keys made with {@code lattice keys} are held to their
 * tenant and stop working when revoked; a restart makes no new key; {@code --no-auth} warns.
 */
class AuthCliIT {
  private static final Duration START = Duration.ofMinutes(1);
  private static final Pattern API = Pattern.compile("API (http://127\\.0\\.0\\.1:\\d+)");
  private static final String PLAN =
      "{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\",\"input\":{\"text\":\"hi\"}}]}";

  @TempDir Path home;
  @TempDir Path elsewhere;
  @TempDir Path logs;

  /** The output and exit code of one CLI command. */
  record Result(int exit, List<String> out, String err) {}

  private ChildJvm up(String name, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("up", "--http", "127.0.0.1:0"));
    args.addAll(List.of(extra));
    // The suite's configuration turns authentication off; a user's node has it on.
    return ChildJvm.start(
        logs.resolve(name + ".log"),
        home,
        Map.of(),
        LatticeMain.class.getName(),
        List.of("-Xmx256m", "-Dlattice.http.auth.enabled=on"),
        args.toArray(String[]::new));
  }

  private Result cli(String name, Path directory, Map<String, String> env, String... args)
      throws Exception {
    Path log = logs.resolve(name + ".log");
    try (ChildJvm process =
        ChildJvm.start(
            log, directory, env, LatticeMain.class.getName(), List.of("-Xmx128m"), args)) {
      assertThat(process.process().waitFor(START.toSeconds(), TimeUnit.SECONDS)).isTrue();
      int exit = process.process().exitValue();
      // The output reader may lag the exit by a moment: wait for its end marker.
      process.awaitEnd(START);
      return new Result(exit, process.lines(), Files.readString(log));
    }
  }

  @Test
  void upCreatesAnAdminKeyThatTheCommandFindsAndKeysAreHeldToTheirTenant() throws Exception {
    Path keyFile = home.resolve("data").resolve("admin.key");
    String server;
    String adminKey;
    try (ChildJvm node = up("up")) {
      String up = node.awaitLine(l -> l.startsWith("lattice is up"), START);
      Matcher api = API.matcher(up);
      assertThat(api.find()).as(up).isTrue();
      server = api.group(1);
      assertThat(node.lines())
          .anyMatch(l -> l.contains("created an admin API key in " + keyFile.toAbsolutePath()));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
          .isEqualTo("rw-------");
      adminKey = Files.readString(keyFile).strip();
      assertThat(adminKey).startsWith("lt_");

      // Without credentials the API answers 401; the command in the node's directory finds the
      // admin key by itself.
      assertThat(status(server + "/api/v1/runs", null)).isEqualTo(401);
      assertThat(status(server + "/health", null)).isEqualTo(200);
      assertThat(cli("runs-here", home, Map.of(), "runs", "--server", server).exit()).isZero();

      // A one-time link signs a browser in to the dashboard as the admin, the key not in it.
      Result ui = cli("ui", home, Map.of(), "ui", "--server", server);
      assertThat(ui.exit()).as(ui.err()).isZero();
      String link = ui.out().get(0);
      assertThat(link).startsWith(server + "/ui/sign-in#code=").doesNotContain(adminKey);
      String code = link.substring(link.indexOf("#code=") + "#code=".length());
      HttpResponse<String> signedIn =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(server + "/ui/session"))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"" + code + "\"}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(signedIn.statusCode()).isEqualTo(200);
      assertThat(signedIn.headers().allValues("Set-Cookie"))
          .anyMatch(c -> c.startsWith("lattice_session="));

      Result created =
          cli(
              "keys-create",
              home,
              Map.of(),
              "keys",
              "create",
              "--tenant",
              "acme",
              "--role",
              "submitter",
              "--name",
              "ci",
              "--server",
              server);
      assertThat(created.exit()).as(created.err()).isZero();
      String acmeKey = created.out().get(0);
      assertThat(acmeKey).startsWith("lt_");
      assertThat(created.err()).contains("tenant acme").contains("roles submitter");

      Map<String, String> acme = Map.of("LATTICE_API_KEY", acmeKey);
      Path plan = Files.writeString(elsewhere.resolve("plan.json"), PLAN);
      Result started =
          cli(
              "acme-run",
              elsewhere,
              acme,
              "execute",
              "--plan",
              plan.toString(),
              "--server",
              server);
      assertThat(started.exit()).as(started.err()).isZero();
      Result others =
          cli("acme-other", elsewhere, acme, "runs", "--tenant", "default", "--server", server);
      assertThat(others.exit()).isZero();
      Result own = cli("acme-runs", elsewhere, acme, "runs", "--json", "--server", server);
      assertThat(String.join("\n", own.out()))
          .contains("\"tenant\" : \"acme\"")
          .doesNotContain("\"tenant\" : \"default\"");
      Result refused = cli("acme-keys", elsewhere, acme, "keys", "list", "--server", server);
      assertThat(refused.exit()).isEqualTo(1);
      assertThat(refused.err()).contains("403");
      // Only an admin of every tenant may verify the policy chain (it covers every tenant's keys).
      Result acmePolicy =
          cli("acme-policy", elsewhere, acme, "audit", "verify", "--policy", "--server", server);
      assertThat(acmePolicy.exit()).isEqualTo(1);
      assertThat(acmePolicy.err()).contains("403");

      // Elsewhere, without a key: refused, with how to give one.
      Result none = cli("no-key", elsewhere, Map.of(), "runs", "--server", server);
      assertThat(none.exit()).isEqualTo(1);
      assertThat(none.err()).contains("401").contains("--api-key-file");

      Result listed = cli("keys-list", home, Map.of(), "keys", "list", "--server", server);
      String ci =
          listed.out().stream()
              .filter(l -> l.contains("\"ci\""))
              .findFirst()
              .orElseThrow()
              .split(" ")[0];
      assertThat(
              cli("keys-revoke", home, Map.of(), "keys", "revoke", ci, "--server", server).exit())
          .isZero();
      assertThat(cli("acme-revoked", elsewhere, acme, "runs", "--server", server).err())
          .contains("401");

      // The policy chain holds the key's creation and revocation, intact.
      Result policy =
          cli("audit-policy", home, Map.of(), "audit", "verify", "--policy", "--server", server);
      assertThat(policy.exit()).as(policy.err()).isZero();
      assertThat(policy.out().get(0)).isEqualTo("policy: intact");

      // The key itself went nowhere but its file and the one answer that created it: not to the
      // console, nor to the log (which goes to stdout in tests).
      for (String line : node.lines()) {
        assertThat(line).doesNotContain(adminKey).doesNotContain(acmeKey);
      }
      assertThat(Files.readString(logs.resolve("up.log")))
          .doesNotContain(adminKey)
          .doesNotContain(acmeKey);
      assertThat(node.terminate(Duration.ofSeconds(30))).isEqualTo(143);
    }

    // A restart makes no new key: the same one still works.
    try (ChildJvm again = up("again")) {
      String up = again.awaitLine(l -> l.startsWith("lattice is up"), START);
      Matcher api = API.matcher(up);
      assertThat(api.find()).isTrue();
      assertThat(again.lines()).anyMatch(l -> l.startsWith("admin API key: "));
      assertThat(Files.readString(keyFile).strip()).isEqualTo(adminKey);
      assertThat(status(api.group(1) + "/api/v1/runs", adminKey)).isEqualTo(200);
      assertThat(again.terminate(Duration.ofSeconds(30))).isEqualTo(143);
    }

    // Off only when asked, and then it says so.
    try (ChildJvm open = up("open", "--no-auth")) {
      String up = open.awaitLine(l -> l.startsWith("lattice is up"), START);
      Matcher api = API.matcher(up);
      assertThat(api.find()).isTrue();
      // Said on the console, and logged (the test's logs go to stdout too).
      assertThat(open.lines()).anyMatch(l -> l.contains("authentication is off"));
      assertThat(open.lines()).anyMatch(l -> l.contains("authentication is OFF"));
      assertThat(status(api.group(1) + "/api/v1/runs", null)).isEqualTo(200);
      assertThat(open.terminate(Duration.ofSeconds(30))).isEqualTo(143);
    }
  }

  private static int status(String url, String key) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return HttpClient.newHttpClient()
        .send(request.build(), HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }
}
