package dev.lattice.modelserver;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code lattice model-server} is asked for on its command line.
 *
 * @param script the script file; empty runs the example script shipped with the server
 * @param host the interface to listen on; empty for the configured one
 * @param port the port; empty for the configured one
 * @param apiKeyEnv the environment variable holding the key requests must carry; empty for none
 */
public record ModelServerOptions(
    Optional<Path> script,
    Optional<String> host,
    Optional<Integer> port,
    Optional<String> apiKeyEnv) {

  public static ModelServerOptions defaults() {
    return new ModelServerOptions(
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  public ModelServerOptions withScript(Path file) {
    return new ModelServerOptions(Optional.of(file), host, port, apiKeyEnv);
  }

  public ModelServerOptions withHost(String name) {
    return new ModelServerOptions(script, Optional.of(name), port, apiKeyEnv);
  }

  public ModelServerOptions withPort(int number) {
    return new ModelServerOptions(script, host, Optional.of(number), apiKeyEnv);
  }

  public ModelServerOptions withApiKeyEnv(String variable) {
    return new ModelServerOptions(script, host, port, Optional.of(variable));
  }
}
