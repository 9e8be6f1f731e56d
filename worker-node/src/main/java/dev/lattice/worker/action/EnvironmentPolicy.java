package dev.lattice.worker.action;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.ErrorClass;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Decides the environment a shell step's program starts with: none of the node's own (where a
 * journal password or an API key may live) but the configured variables passed through, plus the
 * step's own {@code env} entries whose names are on the configured allow-list.
 *
 * <p>Some names are refused whatever the configuration says, because they make the dynamic loader,
 * a JVM, a shell or an interpreter load code of the caller's choosing, or change which programs
 * run: an allowed program would then run anything. A configuration that allows one of them is
 * refused when the node starts.
 */
final class EnvironmentPolicy {
  /** Loader, JVM, shell and interpreter hooks, and the search path for programs. */
  private static final List<Pattern> NEVER_ALLOWED =
      List.of(
          never("LD_.*"),
          never("DYLD_.*"),
          never("PATH"),
          never("IFS"),
          never("ENV"),
          never("BASH_ENV"),
          never("BASH_FUNC_.*"),
          never("SHELLOPTS"),
          never("BASHOPTS"),
          never("PS4"),
          never("PROMPT_COMMAND"),
          never("JAVA_TOOL_OPTIONS"),
          never("_JAVA_OPTIONS"),
          never("JDK_JAVA_OPTIONS"),
          never("JAVA_OPTS"),
          never("MAVEN_OPTS"),
          never("CLASSPATH"),
          never("PYTHON.*"),
          never("PERL5.*"),
          never("PERLLIB"),
          never("RUBY.*"),
          never("NODE_OPTIONS"),
          never("NODE_PATH"),
          never("GIT_.*"),
          never("GCONV_PATH"),
          never("LOCPATH"),
          never("MALLOC_.*"));

  /** What the operating system accepts as a variable name. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Set<String> passThrough;
  private final Set<String> allowed;

  /**
   * @param passThrough names of the node's variables the program sees, when the node has them
   * @param allowed names a step's {@code env} may set
   * @throws IllegalArgumentException if {@code allowed} holds a name that is never allowed
   */
  EnvironmentPolicy(Set<String> passThrough, Set<String> allowed) {
    for (String name : allowed) {
      if (neverAllowed(name)) {
        throw new IllegalArgumentException(
            "lattice.worker.shell.allowed-env holds "
                + name
                + ", which would let a step choose the code an allowed program loads or runs");
      }
    }
    this.passThrough = Set.copyOf(passThrough);
    this.allowed = Set.copyOf(allowed);
  }

  /**
   * The program's environment: the pass-through variables of {@code node}, then the entries of
   * {@code env} (the step's input, null when it has none).
   */
  Map<String, String> childEnvironment(Map<String, String> node, JsonNode env) {
    Map<String, String> child = new TreeMap<>();
    for (String name : passThrough) {
      String value = node.get(name);
      if (value != null) {
        child.put(name, value);
      }
    }
    if (env == null || env.isNull()) {
      return child;
    }
    if (!env.isObject()) {
      throw new ActionException(ErrorClass.INVALID_INPUT, "input.env must be an object");
    }
    for (Map.Entry<String, JsonNode> entry : env.properties()) {
      child.put(check(entry.getKey()), value(entry.getKey(), entry.getValue()));
    }
    return child;
  }

  private String check(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new ActionException(
          ErrorClass.INVALID_INPUT, "input.env names '" + name + "', which is not a variable name");
    }
    if (neverAllowed(name)) {
      throw new ActionException(
          ErrorClass.POLICY_DENIED,
          "input.env sets "
              + name
              + ", which is never allowed: it would choose the code a program loads or runs");
    }
    if (!allowed.contains(name)) {
      throw new ActionException(
          ErrorClass.POLICY_DENIED,
          "input.env sets "
              + name
              + ", which is not in lattice.worker.shell.allowed-env "
              + allowed.stream().sorted().toList());
    }
    return name;
  }

  private static String value(String name, JsonNode value) {
    if (!value.isValueNode() || value.isNull()) {
      throw new ActionException(
          ErrorClass.INVALID_INPUT, "input.env." + name + " must be a string, number or boolean");
    }
    return value.asText();
  }

  /** Case does not matter: some systems read variable names without it. */
  private static Pattern never(String regex) {
    return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
  }

  private static boolean neverAllowed(String name) {
    return NEVER_ALLOWED.stream().anyMatch(p -> p.matcher(name).matches());
  }
}
