package dev.lattice.orchestrator.cli;

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

  @Option(names = "--json", description = "Print the server's JSON instead of text.")
  boolean json;

  ApiClient client() {
    String url = server;
    if (url == null || url.isBlank()) {
      String env = System.getenv("LATTICE_SERVER");
      url = env == null || env.isBlank() ? DEFAULT_SERVER : env;
    }
    return ApiClient.of(url);
  }
}
