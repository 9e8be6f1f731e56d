package dev.lattice.orchestrator.cli;

import dev.lattice.orchestrator.http.auth.AdminKeyFile;
import dev.lattice.orchestrator.tls.KeyStores;
import dev.lattice.orchestrator.tls.SslContexts;
import dev.lattice.orchestrator.tls.TlsConfigException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Option;

/**
 * Options of every command that talks to a server, and where its API key comes from: {@code
 * --api-key-file}, else {@code $LATTICE_API_KEY}, else, for a server on this machine (a loopback
 * address), the admin key {@code lattice up} wrote to its data directory ({@code $LATTICE_DATA},
 * else {@code ./data}). The admin key of this machine is never sent to another one.
 */
final class ClientOptions {
  static final String DEFAULT_SERVER = "http://127.0.0.1:8080";

  /** What a refused (401) command suggests. */
  static final String CREDENTIALS_HINT =
      "give an API key with --api-key-file FILE or LATTICE_API_KEY (lattice up writes an admin key"
          + " to DATA/admin.key)";

  private static final String DEFAULT_DATA = "data";
  private static final String ADMIN_KEY_FILE = "admin.key";
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "The server's base URL (default: $LATTICE_SERVER, else " + DEFAULT_SERVER + ").")
  String server;

  @Option(
      names = "--api-key-file",
      paramLabel = "FILE",
      description =
          "A file holding the API key to send (default: $LATTICE_API_KEY, else, for a server on"
              + " this machine, the admin key in $LATTICE_DATA/admin.key or ./data/admin.key).")
  Path apiKeyFile;

  @Option(
      names = "--ca-cert",
      paramLabel = "FILE",
      description =
          "For an https:// server: the certificate authority (PEM) its certificate is signed by,"
              + " trusted instead of the JDK's (default: $LATTICE_CA_CERT, else the JDK's"
              + " authorities).")
  Path caCert;

  @Option(names = "--json", description = "Print the server's JSON instead of text.")
  boolean json;

  ApiClient client() {
    String url = server;
    if (url == null || url.isBlank()) {
      String env = System.getenv("LATTICE_SERVER");
      url = env == null || env.isBlank() ? DEFAULT_SERVER : env;
    }
    return ApiClient.of(url, trust(), apiKey(url).orElse(null));
  }

  /** The key to send to the server at {@code url}, if any is found. */
  private Optional<String> apiKey(String url) {
    if (apiKeyFile != null) {
      return Optional.of(
          AdminKeyFile.read(apiKeyFile)
              .orElseThrow(
                  () ->
                      new CliException(
                          "--api-key-file " + apiKeyFile + " holds no API key (lt_...)",
                          CliException.REFUSED)));
    }
    String env = System.getenv("LATTICE_API_KEY");
    if (env != null && !env.isBlank()) {
      return Optional.of(env.strip());
    }
    if (!onThisMachine(url)) {
      return Optional.empty();
    }
    String data = System.getenv("LATTICE_DATA");
    return AdminKeyFile.read(
        Path.of(data == null || data.isBlank() ? DEFAULT_DATA : data, ADMIN_KEY_FILE));
  }

  private static boolean onThisMachine(String url) {
    try {
      String host = URI.create(url).getHost();
      return host != null && LOOPBACK.contains(host.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The TLS context of --ca-cert or LATTICE_CA_CERT; null for the JDK's default. */
  private SSLContext trust() {
    Path file = caCert;
    if (file == null) {
      String env = System.getenv("LATTICE_CA_CERT");
      if (env == null || env.isBlank()) {
        return null;
      }
      file = Path.of(env);
    }
    try {
      return SslContexts.trusting(KeyStores.trusted(file, new char[0]));
    } catch (TlsConfigException e) {
      throw new CliException(e.getMessage(), CliException.REFUSED);
    }
  }
}
