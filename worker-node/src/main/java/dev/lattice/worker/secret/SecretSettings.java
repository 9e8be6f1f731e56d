package dev.lattice.worker.secret;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The {@code lattice.secrets} settings: where {@code ${secret:NAME}} references are resolved.
 *
 * @param providers the providers asked, in order: {@code environment}, {@code directory}
 * @param environmentPrefix what the environment variables of secrets start with
 * @param directory the directory of secret files; null for none (the directory provider is then
 *     left out)
 */
public record SecretSettings(List<String> providers, String environmentPrefix, Path directory) {
  /** The provider of environment variables. */
  public static final String ENVIRONMENT = "environment";

  /** The provider of a directory of files. */
  public static final String DIRECTORY = "directory";

  private static final Set<String> KNOWN = Set.of(ENVIRONMENT, DIRECTORY);

  /**
   * @throws IllegalArgumentException naming a provider that does not exist
   */
  public SecretSettings {
    providers = List.copyOf(providers);
    for (String provider : providers) {
      if (!KNOWN.contains(provider)) {
        throw new IllegalArgumentException(
            "lattice.secrets.providers names '"
                + provider
                + "', which is none of "
                + List.of(ENVIRONMENT, DIRECTORY));
      }
    }
  }

  /** The environment first, then {@code directory} if there is one, with the default prefix. */
  public static SecretSettings of(Path directory) {
    return new SecretSettings(
        List.of(ENVIRONMENT, DIRECTORY), EnvironmentSecrets.DEFAULT_PREFIX, directory);
  }

  /** Reads {@code lattice.secrets} from {@code config}. */
  public static SecretSettings create(Config config) {
    Config c = config.getConfig("lattice.secrets");
    String directory = c.getString("directory");
    return new SecretSettings(
        c.getStringList("providers"),
        c.getString("environment-prefix"),
        directory.isBlank() ? null : Path.of(directory));
  }
}
