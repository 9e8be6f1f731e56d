package dev.lattice.orchestrator.cli;

import dev.lattice.orchestrator.node.Lattice;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lattice up}: the embedded default, one node with both roles and an H2 file journal. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description =
        "Start one node with both roles; its journal is an embedded H2 file under --data, or the"
            + " database of LATTICE_JOURNAL_URL. Stop with Ctrl-C.")
public final class UpCommand implements Callable<Integer> {
  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Directory of the journal (default: ${DEFAULT-VALUE}).",
      defaultValue = "data")
  Path data;

  @Option(
      names = "--http",
      paramLabel = "HOST:PORT",
      description =
          "Where the HTTP API listens (default: lattice.http.host and .port, 127.0.0.1:8080).")
  String http;

  @Mixin AuthOptions auth;

  @Mixin LogOptions logging;

  @Override
  public Integer call() {
    HostAndPort address = http == null ? null : HostAndPort.parse(http, "--http");
    return NodeProcess.serve(
        Lattice.builder()
            .dataDirectory(data)
            .config(logging.config().withFallback(auth.config()))
            .start(),
        address,
        () -> {});
  }
}
