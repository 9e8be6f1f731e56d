package dev.lattice.worker.secret;

import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Secrets in the node's environment: secret {@code NAME} is the variable {@code PREFIX + NAME}, the
 * name upper-cased with {@code -} as {@code _} ({@code crm-token}: {@code
 * LATTICE_SECRET_CRM_TOKEN}). An empty variable holds nothing.
 */
public final class EnvironmentSecrets implements SecretProvider {
  /** The prefix of the variables secrets are read from, unless configured otherwise. */
  public static final String DEFAULT_PREFIX = "LATTICE_SECRET_";

  private final String prefix;
  private final UnaryOperator<String> environment;

  /**
   * @param prefix what every variable's name starts with
   * @param environment variables by name, null when unset ({@code System::getenv})
   */
  public EnvironmentSecrets(String prefix, UnaryOperator<String> environment) {
    this.prefix = prefix;
    this.environment = environment;
  }

  @Override
  public String find(String name) {
    String value = environment.apply(variable(name));
    return value == null || value.isEmpty() ? null : value;
  }

  @Override
  public String where(String name) {
    return "environment variable " + variable(name);
  }

  /** The variable that holds secret {@code name}. */
  public String variable(String name) {
    return prefix + name.toUpperCase(Locale.ROOT).replace('-', '_');
  }
}
