package dev.lattice.orchestrator.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.cli.LatticeMain;
import dev.lattice.orchestrator.http.HttpApi;
import dev.lattice.orchestrator.http.HttpSettings;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.ChildJvm;
import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.testing.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API over HTTPS on loopback, with a certificate authority made for the test: one server of the
 * node with PEM files (as {@code lattice.http.tls} configures it), one with a PKCS#12 key store.
 * Runs start and complete over TLS, {@code /mcp} answers, the CLI gets through with the authority's
 * certificate and says what to do without it; plain HTTP on the TLS port gets no answer, and a
 * client that does not trust the authority gets no connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpsApiIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  private static final String PLAN =
      "{\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\",\"input\":{\"x\":1}},"
          + "{\"id\":\"b\",\"capability\":\"echo\",\"dependsOn\":[\"a\"]}]}}";

  private Path directory;

  private Lattice lattice;
  private Path authorityPem;
  private SSLContext trustingTheAuthority;

  /** The server of the node's configuration: PEM certificate and key. */
  private HttpApi.Server pemServer;

  /** A second server of the node, from a PKCS#12 key store with its password in a file. */
  private HttpApi.Server keyStoreServer;

  @BeforeAll
  void start(@TempDir Path temporary) throws IOException {
    directory = temporary;
    TestPki.Authority authority = TestPki.authority("Lattice Test CA");
    TestPki.Issued api = authority.issue("api", "localhost", "127.0.0.1");
    authorityPem = directory.resolve("ca.pem");
    authority.writeCertificate(authorityPem);
    Path certificate = directory.resolve("api.pem");
    Path key = directory.resolve("api.key");
    api.writePem(certificate, key);
    Path keyStore = directory.resolve("api.p12");
    api.writeKeyStore(keyStore, "store-password");
    Path passwordFile = Files.writeString(directory.resolve("store.password"), "store-password\n");
    trustingTheAuthority = SslContexts.trusting(KeyStores.trusted(authorityPem, new char[0]));

    lattice =
        Lattice.builder()
            .dataDirectory(directory.resolve("data"))
            .config(
                ConfigFactory.parseString(
                    "lattice.http.tls { certificate = \""
                        + certificate
                        + "\", private-key = \""
                        + key
                        + "\" }"))
            .start();
    Config config = lattice.system().settings().config();
    HttpSettings loopback = HttpSettings.create(config).withAddress("127.0.0.1", 0);
    pemServer = HttpApi.start(lattice, loopback);
    Config withKeyStore =
        ConfigFactory.parseString(
            "lattice.http.tls { certificate = \"\", private-key = \"\", key-store = \""
                + keyStore
                + "\", key-store-password-file = \""
                + passwordFile
                + "\" }");
    keyStoreServer =
        HttpApi.start(
            lattice, loopback, ApiTls.create(withKeyStore.withFallback(config)).orElseThrow());
  }

  @AfterAll
  void stop() {
    if (lattice != null) {
      lattice.close();
    }
  }

  @Test
  void runsStartAndCompleteOverTlsWithEitherKindOfKey() throws Exception {
    HttpRuns client = new HttpRuns(trustingTheAuthority);
    for (HttpApi.Server server : List.of(pemServer, keyStoreServer)) {
      assertThat(server.url()).startsWith("https://127.0.0.1:");
      String run = client.execute(server.url(), PLAN, "tls-" + server.address().getPort());
      JsonNode done =
          client.awaitRun(
              server.url(), run, r -> r.path("status").asText().equals("completed"), TIMEOUT);
      assertThat(done.path("steps")).hasSize(2);
    }
    assertThat(client.errors()).isZero();
  }

  @Test
  void plainHttpOnTheTlsPortGetsNoAnswer() throws Exception {
    String answer;
    try (Socket socket = new Socket()) {
      socket.connect(pemServer.address(), (int) READ_TIMEOUT.toMillis());
      socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + pemServer.address().getPort() + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      answer = new String(readUntilClosed(socket.getInputStream()), StandardCharsets.ISO_8859_1);
    }
    // At most a TLS alert record; never an HTTP response, let alone the API's.
    assertThat(answer).doesNotContain("HTTP/1.1").doesNotContain("status");

    HttpClient plain = HttpClient.newBuilder().connectTimeout(READ_TIMEOUT).build();
    String http = "http://127.0.0.1:" + pemServer.address().getPort() + "/health";
    assertThatThrownBy(
            () ->
                plain.send(
                    HttpRequest.newBuilder(URI.create(http)).timeout(READ_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aClientThatDoesNotTrustTheAuthorityIsRefused() {
    HttpClient jdkDefaults = HttpClient.newBuilder().connectTimeout(READ_TIMEOUT).build();
    assertThatThrownBy(
            () ->
                jdkDefaults.send(
                    HttpRequest.newBuilder(URI.create(pemServer.url() + "/health"))
                        .timeout(READ_TIMEOUT)
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void theMcpEndpointAnswersOverTls() throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(trustingTheAuthority)
            .connectTimeout(READ_TIMEOUT)
            .build();
    String initialize =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
            + "\"clientInfo\":{\"name\":\"tls-test\",\"version\":\"1\"}}}";
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create(keyStoreServer.url() + "/mcp"))
                .timeout(READ_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(initialize))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"serverInfo\"");
  }

  @Test
  void theCliGetsThroughWithTheAuthoritysCertificateAndSaysWhatToDoWithoutIt() throws Exception {
    String https = pemServer.url();
    Cli trusted = cli("trusted", "runs", "--server", https, "--ca-cert", authorityPem.toString());
    assertThat(trusted.exit()).as(trusted.err()).isZero();

    Cli untrusted = cli("untrusted", "runs", "--server", https);
    assertThat(untrusted.exit()).isEqualTo(3);
    assertThat(untrusted.err()).contains("over TLS").contains("--ca-cert");

    Cli plain =
        cli(
            "plain",
            "runs",
            "--server",
            "http://127.0.0.1:" + pemServer.address().getPort(),
            "--ca-cert",
            authorityPem.toString());
    assertThat(plain.exit()).isEqualTo(3);
    assertThat(plain.err()).contains("https://");
  }

  /** A finished CLI process: its exit code, stdout lines and stderr. */
  private record Cli(int exit, List<String> out, String err) {}

  private Cli cli(String name, String... args) throws Exception {
    Path log = directory.resolve(name + ".err");
    try (ChildJvm process =
        ChildJvm.start(log, LatticeMain.class.getName(), List.of("-Xmx128m"), args)) {
      assertThat(process.process().waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      process.awaitEnd(TIMEOUT);
      return new Cli(process.process().exitValue(), process.lines(), Files.readString(log));
    }
  }

  private static byte[] readUntilClosed(InputStream in) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] buffer = new byte[512];
    try {
      int n;
      while ((n = in.read(buffer)) != -1) {
        bytes.write(buffer, 0, n);
      }
    } catch (IOException reset) {
      // A connection reset is an answer too: none.
    }
    return bytes.toByteArray();
  }
}
