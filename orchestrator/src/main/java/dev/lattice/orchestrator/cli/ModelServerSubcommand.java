package dev.lattice.orchestrator.cli;

import dev.lattice.modelserver.ModelServerCommand;
import dev.lattice.modelserver.ModelServerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lattice model-server}: the scripted model server, so that the LLM examples run offline,
 * without an API key, against a real HTTP server that speaks the providers' protocols.
 */
@Command(
    name = "model-server",
    mixinStandardHelpOptions = true,
    description =
        "Serve a scripted language model over HTTP (OpenAI Chat Completions and Anthropic"
            + " Messages) until stopped; see docs/agents.md for the script format.")
final class ModelServerSubcommand implements Callable<Integer> {
  @Option(
      names = "--script",
      paramLabel = "FILE",
      description = "The script to answer from (JSON; default: the example script).")
  Path script;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "The interface to listen on (default: 127.0.0.1).")
  String host;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "The port to listen on (default: 11435; 0 for a free one).")
  Integer port;

  @Option(
      names = "--api-key-env",
      paramLabel = "NAME",
      description = "Require the key held in this environment variable on every request.")
  String apiKeyEnv;

  @Override
  public Integer call() throws InterruptedException {
    ModelServerOptions options = ModelServerOptions.defaults();
    if (script != null) {
      if (!Files.isRegularFile(script)) {
        throw new IllegalArgumentException("no script file " + script);
      }
      options = options.withScript(script);
    }
    if (host != null) {
      options = options.withHost(host);
    }
    if (port != null) {
      if (port < 0 || port > HostAndPort.MAX_PORT) {
        throw new IllegalArgumentException("--port must be between 0 and " + HostAndPort.MAX_PORT);
      }
      options = options.withPort(port);
    }
    if (apiKeyEnv != null) {
      options = options.withApiKeyEnv(apiKeyEnv);
    }
    ModelServerCommand.run(options, System.getenv(), System.out);
    return 0;
  }
}
