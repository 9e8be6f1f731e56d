package dev.lattice.worker.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.ToolEffect;
import dev.lattice.worker.secret.SecretResolver;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code lattice.mcp.servers} and {@code .client}: servers as configured, and what is refused. */
class McpClientSettingsTest {
  private static McpClientSettings parse(String mcp) {
    Config config =
        ConfigFactory.parseString("lattice.mcp { " + mcp + " }")
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    return McpClientSettings.create(config);
  }

  @Test
  void noServersByDefault() {
    McpClientSettings settings = McpClientSettings.create(ConfigFactory.defaultReference());

    assertThat(settings.servers()).isEmpty();
    assertThat(settings.restartMinBackoff()).isLessThanOrEqualTo(settings.restartMaxBackoff());
  }

  @Test
  void readsAStdioServer() {
    McpServerSpec files =
        parse(
                """
                servers.files {
                  command = ["npx", "-y", "server-filesystem"], args = ["/srv"]
                  env { TOKEN = "t0k3n" }
                  working-directory = "/tmp"
                  effects { write_file = keyed, "odd.name" = idempotent }
                  max-concurrent = 3
                }
                """)
            .servers()
            .get(0);

    assertThat(files.stdio()).isTrue();
    assertThat(files.command()).containsExactly("npx", "-y", "server-filesystem", "/srv");
    assertThat(files.env()).isEqualTo(Map.of("TOKEN", "t0k3n"));
    assertThat(files.workingDirectory()).isEqualTo(Path.of("/tmp"));
    assertThat(files.effects())
        .isEqualTo(Map.of("write_file", ToolEffect.KEYED, "odd.name", ToolEffect.IDEMPOTENT));
    assertThat(files.maxConcurrent()).isEqualTo(3);
    assertThat(files.toolErrorClass()).isEqualTo(ErrorClass.AGENT_ERROR);
    assertThat(files.required()).isTrue();
    assertThat(files.capability("read_file")).isEqualTo("mcp.files.read_file");
    assertThat(files.toolOf("mcp.files.read.file")).isEqualTo("read.file");
    assertThat(files.toolOf("mcp.other.read_file")).isNull();
  }

  @Test
  void aCommandMayBeOneString() {
    assertThat(parse("servers.s { command = \"my-server\" }").servers().get(0).command())
        .containsExactly("my-server");
  }

  @Test
  void readsAStreamableHttpServer() {
    McpClientSettings settings =
        parse(
            """
            servers.search {
              url = "https://mcp.example.com/v1/mcp?x=1"
              headers { Authorization = "Bearer s3cr3t" }
              tool-error-class = invalid_input
              required = false
            }
            client { call-timeout = 5s, restart-backoff { min = 100ms, max = 2s } }
            """);
    McpServerSpec search = settings.servers().get(0);

    assertThat(search.stdio()).isFalse();
    assertThat(search.url()).isEqualTo(URI.create("https://mcp.example.com/v1/mcp?x=1"));
    assertThat(search.headers()).isEqualTo(Map.of("Authorization", "Bearer s3cr3t"));
    assertThat(search.toolErrorClass()).isEqualTo(ErrorClass.INVALID_INPUT);
    assertThat(search.required()).isFalse();
    assertThat(settings.callTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.nextBackoff(null)).isEqualTo(Duration.ofMillis(100));
    assertThat(settings.nextBackoff(Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(200));
    assertThat(settings.nextBackoff(Duration.ofMillis(1500))).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void secretReferencesInEnvAndHeadersAreResolvedForAConnectionOnly() {
    McpClientSettings settings =
        parse(
            """
            servers.files { command = "srv", env { TOKEN = "${secret:files-token}", MODE = "ro" } }
            servers.search {
              url = "https://mcp.example.com/mcp"
              headers { Authorization = "Bearer ${secret:search-token}" }
            }
            """);
    SecretResolver secrets =
        new SecretResolver(
            Map.of("LATTICE_SECRET_FILES_TOKEN", "f-t0k", "LATTICE_SECRET_SEARCH_TOKEN", "s-t0k")
                ::get,
            null);
    McpServerSpec files = settings.servers().get(0);
    McpServerSpec search = settings.servers().get(1);

    assertThat(files.resolved(secrets).env()).isEqualTo(Map.of("TOKEN", "f-t0k", "MODE", "ro"));
    assertThat(search.resolved(secrets).headers())
        .isEqualTo(Map.of("Authorization", "Bearer s-t0k"));
    // The settings keep the references, and a server without any is not copied.
    assertThat(files.env().get("TOKEN")).isEqualTo("${secret:files-token}");
    McpServerSpec plain = parse("servers.p { command = \"srv\" }").servers().get(0);
    assertThat(plain.resolved(secrets)).isSameAs(plain);
    assertThatThrownBy(() -> files.resolved(SecretResolver.NONE))
        .hasMessageContaining("files-token");
  }

  @Test
  void theValuesOfEnvAndHeadersStayOutOfItsText() {
    McpClientSettings settings =
        parse(
            """
            servers.a { command = ["a"], env { TOKEN = "env-s3cr3t" } }
            servers.b { url = "http://127.0.0.1:1/mcp", headers { Authorization = "hdr-s3cr3t" } }
            """);

    assertThat(settings.toString()).contains("TOKEN", "Authorization");
    assertThat(settings.toString()).doesNotContain("env-s3cr3t", "hdr-s3cr3t");
  }

  @Test
  void refusesWhatCannotWork() {
    List.of(
            "servers.a { }",
            "servers.a { command = [\"x\"], url = \"http://h/mcp\" }",
            "servers.a { command = [] }",
            "servers.\"a.b\" { command = [\"x\"] }",
            "servers.a { url = \"ftp://h/mcp\" }",
            "servers.a { command = [\"x\"], effects { t = sometimes } }",
            "servers.a { command = [\"x\"], max-concurrent = 0 }",
            "client.restart-backoff { min = 2s, max = 1s }")
        .forEach(
            bad ->
                assertThatThrownBy(() -> parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class));
  }
}
