package dev.lattice.worker.secret;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.worker.action.ActionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${secret:NAME}} references inside a worker, so that a plan, a step's input and
 * its journal only ever hold the reference. {@code NAME} is found in the node's environment as
 * {@code LATTICE_SECRET_NAME} (upper-cased, {@code -} as {@code _}), else as the file {@code NAME}
 * of the secrets directory ({@code lattice.secrets.directory}), its content trimmed. Secrets are
 * read at every use, so a rotated one is picked up without a restart.
 *
 * <p>Errors name the secret and where it was looked for, never a value. Each value resolved is
 * noted in the caller's {@link ResolvedSecrets}, which scrubs it from whatever goes back.
 */
public final class SecretResolver {
  /** The prefix of the environment variables secrets are read from. */
  public static final String ENVIRONMENT_PREFIX = "LATTICE_SECRET_";

  /** A reference, well formed or not: anything up to the closing brace is its name. */
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{secret:([^}]*)}");

  /** Names are plain words: never a path, so a file cannot be looked up outside the directory. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  private final UnaryOperator<String> environment;
  private final Path directory;

  /**
   * @param environment environment variables by name, null when unset ({@code System::getenv})
   * @param directory the secrets directory; null for none
   */
  public SecretResolver(UnaryOperator<String> environment, Path directory) {
    this.environment = environment;
    this.directory = directory;
  }

  /** Whether {@code text} holds a secret reference. */
  public static boolean mentions(String text) {
    return text != null && REFERENCE.matcher(text).find();
  }

  /**
   * {@code text} with every {@code ${secret:NAME}} replaced by its value, each noted in {@code
   * used}. Runs on a thread that may block (it may read a file).
   *
   * @throws ActionException {@code invalid_input} for a malformed name, {@code auth} for a secret
   *     that is set nowhere
   */
  public String resolve(String text, ResolvedSecrets used) {
    Matcher m = REFERENCE.matcher(text);
    if (!m.find()) {
      return text;
    }
    StringBuilder out = new StringBuilder();
    m.reset();
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
    String variable = variable(name);
    String value = environment.apply(variable);
    if (value != null && !value.isEmpty()) {
      return value;
    }
    if (directory != null) {
      Path file = directory.resolve(name);
      if (Files.isRegularFile(file)) {
        return fromFile(name, file);
      }
    }
    throw new ActionException(
        ErrorClass.AUTH,
        "secret '"
            + name
            + "' is not set: neither environment variable "
            + variable
            + " nor "
            + (directory == null
                ? "a file (no lattice.secrets.directory is configured)"
                : "file " + directory.resolve(name))
            + " holds it");
  }

  private static String fromFile(String name, Path file) {
    try {
      String value = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (value.isEmpty()) {
        throw new ActionException(
            ErrorClass.AUTH, "secret '" + name + "': file " + file + " is empty");
      }
      return value;
    } catch (IOException e) {
      // The exception's message names the file only; it is left out all the same.
      throw new ActionException(
          ErrorClass.AUTH,
          "secret '"
              + name
              + "': cannot read file "
              + file
              + " ("
              + e.getClass().getSimpleName()
              + ")");
    }
  }

  /** The environment variable that holds secret {@code name}. */
  public static String variable(String name) {
    return ENVIRONMENT_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static String abbreviated(String name) {
    // A malformed name may be anything a template produced; keep the message short.
    return name.length() > 40 ? name.substring(0, 40) + "…" : name;
  }
}
