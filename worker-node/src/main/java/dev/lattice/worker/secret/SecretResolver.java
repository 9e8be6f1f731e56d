package dev.lattice.worker.secret;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.redact.SecretReference;
import dev.lattice.worker.action.ActionException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Resolves {@code ${secret:NAME}} references inside a worker, so that a plan, a step's input, a
 * node's configuration and the journal only ever hold the reference. Each name is looked up in the
 * configured providers in order ({@code lattice.secrets.providers}): by default the node's
 * environment ({@link EnvironmentSecrets}, {@code LATTICE_SECRET_NAME}), then a directory of files
 * ({@link DirectorySecrets}, {@code lattice.secrets.directory}). Secrets are read at every use, so
 * a rotated one is picked up without a restart.
 *
 * <p>Errors name the secret and where it was looked for, never a value. Each value resolved is
 * noted in the caller's {@link ResolvedSecrets}, which scrubs it from whatever goes back.
 */
public final class SecretResolver {
  /** The prefix of the environment variables secrets are read from by default. */
  public static final String ENVIRONMENT_PREFIX = EnvironmentSecrets.DEFAULT_PREFIX;

  /** A resolver without providers: every reference fails, naming the setting to change. */
  public static final SecretResolver NONE = new SecretResolver(List.of());

  /** Names are plain words: never a path, so a file cannot be looked up outside the directory. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  private final List<SecretProvider> providers;

  /** Asks {@code providers} in order. */
  public SecretResolver(List<SecretProvider> providers) {
    this.providers = List.copyOf(providers);
  }

  /**
   * The environment under the default prefix, then {@code directory}.
   *
   * @param environment environment variables by name, null when unset ({@code System::getenv})
   * @param directory the secrets directory; null for none
   */
  public SecretResolver(UnaryOperator<String> environment, Path directory) {
    this(SecretSettings.of(directory), environment);
  }

  /** The providers {@code settings} name, the environment read through {@code environment}. */
  public SecretResolver(SecretSettings settings, UnaryOperator<String> environment) {
    this(providers(settings, environment));
  }

  /** The providers of {@code settings}, the node's own environment among them. */
  public static SecretResolver create(SecretSettings settings) {
    return new SecretResolver(settings, System::getenv);
  }

  private static List<SecretProvider> providers(
      SecretSettings settings, UnaryOperator<String> environment) {
    List<SecretProvider> providers = new ArrayList<>();
    for (String provider : settings.providers()) {
      if (provider.equals(SecretSettings.ENVIRONMENT)) {
        providers.add(new EnvironmentSecrets(settings.environmentPrefix(), environment));
      } else if (settings.directory() != null) {
        providers.add(new DirectorySecrets(settings.directory()));
      }
    }
    return providers;
  }

  /** Whether {@code text} holds a secret reference. */
  public static boolean mentions(String text) {
    return SecretReference.mentions(text);
  }

  /**
   * {@code text} with every {@code ${secret:NAME}} replaced by its value, each noted in {@code
   * used}. Runs on a thread that may block (it may read a file).
   *
   * @throws ActionException {@code invalid_input} for a malformed name, {@code auth} for a secret
   *     that is set nowhere
   */
  public String resolve(String text, ResolvedSecrets used) {
    if (!mentions(text)) {
      return text;
    }
    Matcher m = SecretReference.PATTERN.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String value = value(name);
      used.add(name, value);
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private String value(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new ActionException(
          ErrorClass.INVALID_INPUT,
          "secret reference ${secret:"
              + abbreviated(name)
              + "}: a secret's name is 1 to 128 letters, digits, '_' or '-'");
    }
    for (SecretProvider provider : providers) {
      String value = provider.find(name);
      if (value != null) {
        return value;
      }
    }
    if (providers.isEmpty()) {
      throw new ActionException(
          ErrorClass.AUTH,
          "secret '"
              + name
              + "' is not set: no secret provider is configured"
              + " (lattice.secrets.providers, lattice.secrets.directory)");
    }
    throw new ActionException(
        ErrorClass.AUTH,
        "secret '"
            + name
            + "' is not set: looked in "
            + providers.stream().map(p -> p.where(name)).collect(Collectors.joining(" and ")));
  }

  /** The environment variable that holds secret {@code name} under the default prefix. */
  public static String variable(String name) {
    return new EnvironmentSecrets(ENVIRONMENT_PREFIX, n -> null).variable(name);
  }

  private static String abbreviated(String name) {
    // A malformed name may be anything a template produced; keep the message short.
    return name.length() > 40 ? name.substring(0, 40) + "…" : name;
  }
}
