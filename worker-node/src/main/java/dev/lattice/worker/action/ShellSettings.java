package dev.lattice.worker.action;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Set;

/**
 * The {@code lattice.worker.shell} settings of the built-in {@code shell} action.
 *
 * @param allowedCommands program names the action may run
 * @param workingDirectory the directory commands run in, and the only one their paths may name
 * @param maxOutputBytes how much of each output stream a result keeps
 * @param passEnvironment names of the node's environment variables a program sees
 * @param allowedEnv names a step's {@code env} may set
 */
public record ShellSettings(
    Set<String> allowedCommands,
    Path workingDirectory,
    int maxOutputBytes,
    Set<String> passEnvironment,
    Set<String> allowedEnv) {

  public ShellSettings {
    allowedCommands = Set.copyOf(allowedCommands);
    passEnvironment = Set.copyOf(passEnvironment);
    allowedEnv = Set.copyOf(allowedEnv);
  }

  /** Reads {@code shell}, the {@code lattice.worker.shell} section. */
  public static ShellSettings create(Config shell) {
    return new ShellSettings(
        Set.copyOf(shell.getStringList("allowed-commands")),
        Path.of(shell.getString("working-directory")),
        shell.getInt("max-output-bytes"),
        Set.copyOf(shell.getStringList("pass-environment")),
        Set.copyOf(shell.getStringList("allowed-env")));
  }
}
