package dev.lattice.orchestrator.cli;

import dev.lattice.orchestrator.tls.KeyStores;
import dev.lattice.orchestrator.tls.SslContexts;
import dev.lattice.orchestrator.tls.TlsConfigException;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Option;

/** Options of every command that talks to a server. */
final class ClientOptions {
  static final String DEFAULT_SERVER = "http://127.0.0.1:8080";

  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "The server's base URL (default: $LATTICE_SERVER, else " + DEFAULT_SERVER + ").")
  String server;

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
    return ApiClient.of(url, trust());
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
