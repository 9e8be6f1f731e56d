package dev.lattice.worker.action;

import dev.lattice.protocol.agent.ErrorClass;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The programs a shell step may run, by name (the node's {@code PATH} finds them).
 *
 * <p>Programs whose job is to run another program or to change the environment of one (a shell,
 * {@code env}, {@code xargs}, {@code sudo}, ...) are refused when the node starts: with one of them
 * on the list, a step runs any program ({@code env rm -rf .}), sets any variable ({@code env
 * LD_PRELOAD=...}) and hides its paths inside a script the path guard cannot read ({@code sh -c
 * 'cat /etc/shadow'}), so the list and the guards would mean nothing. List the programs they would
 * run instead. Interpreters and build tools ({@code python}, {@code mvn}, {@code make}) also run
 * code they are given; they are allowed, and listing one trusts the steps' input and the files in
 * the working directory as code.
 */
final class ProgramAllowList {
  /** Programs that run programs or set their environment, refused as allow-list entries. */
  static final Set<String> LAUNCHERS =
      Set.of(
          "env",
          "sh",
          "bash",
          "dash",
          "zsh",
          "ksh",
          "mksh",
          "csh",
          "tcsh",
          "fish",
          "busybox",
          "xargs",
          "exec",
          "command",
          "nohup",
          "nice",
          "ionice",
          "timeout",
          "setsid",
          "stdbuf",
          "chroot",
          "unshare",
          "nsenter",
          "sudo",
          "su",
          "doas",
          "runuser",
          "pkexec",
          "script",
          "flock",
          "watch",
          "parallel",
          "taskset",
          "chrt",
          "strace",
          "ltrace",
          "gdb");

  private final Set<String> names;
  private final String setting;

  /**
   * @param names the allowed program names, from {@code lattice.worker.shell.allowed-commands}
   * @throws IllegalArgumentException if a name is a path or a launcher
   */
  ProgramAllowList(Set<String> names) {
    this(names, "lattice.worker.shell.allowed-commands");
  }

  /**
   * @param names the allowed program names
   * @param setting the setting they come from, as messages name it
   * @throws IllegalArgumentException if a name is a path or a launcher
   */
  ProgramAllowList(Set<String> names, String setting) {
    for (String name : names) {
      if (name.isEmpty() || name.contains("/") || name.contains("\\")) {
        throw new IllegalArgumentException(
            setting + " holds '" + name + "'; list program names, which the node's PATH finds");
      }
      if (LAUNCHERS.contains(name)) {
        throw new IllegalArgumentException(
            setting
                + " holds '"
                + name
                + "', which runs other programs or sets their environment and so would let a"
                + " step run anything; list the programs it would run instead");
      }
    }
    this.names = Set.copyOf(names);
    this.setting = setting;
  }

  /** The programs of this list and of {@code other}, each already checked. */
  ProgramAllowList or(ProgramAllowList other) {
    Set<String> both = new HashSet<>(names);
    both.addAll(other.names);
    return new ProgramAllowList(both, setting + " or " + other.setting);
  }

  /** Refuses {@code program} with {@code policy_denied} unless it is on the list. */
  void check(String program) {
    if (program.contains("/") || program.contains("\\") || !names.contains(program)) {
      throw new ActionException(
          ErrorClass.POLICY_DENIED,
          "command '" + program + "' is not in " + setting + " " + sorted());
    }
  }

  private List<String> sorted() {
    return names.stream().sorted().toList();
  }
}
