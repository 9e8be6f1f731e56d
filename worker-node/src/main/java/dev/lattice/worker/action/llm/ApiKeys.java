package dev.lattice.worker.action.llm;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.worker.action.ActionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Finds a provider's API key where its settings say: the environment variable, else the file. Read
 * at every call, so a rotated key is picked up without a restart. Errors name where the key was
 * looked for, never what was found.
 */
final class ApiKeys {
  private final UnaryOperator<String> environment;

  /**
   * @param environment the value of an environment variable by name, null when unset ({@code
   *     System::getenv} in a node)
   */
  ApiKeys(UnaryOperator<String> environment) {
    this.environment = environment;
  }

  /** The key to send to {@code provider}; empty when it needs none. Runs on the action executor. */
  Optional<String> keyFor(ProviderSettings provider) {
    if (!provider.needsKey()) {
      return Optional.empty();
    }
    if (provider.apiKeyEnv() != null) {
      String value = environment.apply(provider.apiKeyEnv());
      if (value != null && !value.isBlank()) {
        return Optional.of(value.strip());
      }
      if (provider.apiKeyFile() == null) {
        throw auth(
            "provider '"
                + provider.name()
                + "' needs an API key: environment variable "
                + provider.apiKeyEnv()
                + " is not set or empty");
      }
    }
    return Optional.of(fromFile(provider));
  }

  private static String fromFile(ProviderSettings provider) {
    try {
      String key = Files.readString(provider.apiKeyFile(), StandardCharsets.UTF_8).strip();
      if (key.isEmpty()) {
        throw auth(
            "provider '"
                + provider.name()
                + "': API key file "
                + provider.apiKeyFile()
                + " is empty");
      }
      return key;
    } catch (IOException e) {
      // The exception's own message names the file only, but it is left out all the same.
      throw auth(
          "provider '"
              + provider.name()
              + "': cannot read API key file "
              + provider.apiKeyFile()
              + " ("
              + e.getClass().getSimpleName()
              + ")");
    }
  }

  private static ActionException auth(String message) {
    return new ActionException(ErrorClass.AUTH, message);
  }
}
