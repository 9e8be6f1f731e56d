package dev.lattice.worker.action;

import dev.lattice.protocol.agent.ErrorClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Keeps the paths a shell step names inside the shell's working directory.
 *
 * <p>A path is resolved the way the kernel would open it: component by component from the directory
 * the program runs in (or from {@code /} when absolute), following every symbolic link it meets,
 * dangling ones included, so that {@code link/..} means the parent of the link's target and a link
 * to a file not yet written counts where the file would be created. What is left after the last
 * existing component is taken as written. The result must lie inside the real path of the working
 * directory.
 *
 * <p>An argument is checked as a whole, and so are the parts of it a program may read as a path:
 * the value after the first {@code =} ({@code --file=X}, {@code if=X}), the file after a leading
 * {@code @} (response files), and the value attached to a short option ({@code -IX}, {@code -oX};
 * {@code -xfX} may also be {@code -x -f X}, so every split after the option letters is checked). A
 * part starting with {@code ~} is refused, since programs that expand it themselves mean the node's
 * home directory.
 *
 * <p>This guards against mistakes and prompt-injected arguments, not against a hostile program: a
 * program that computes paths itself, follows links created after the check, or reads a list syntax
 * of its own ({@code a:b}) is not covered. The operating system (a container, a user of its own) is
 * the boundary for that.
 */
final class PathGuard {
  /** Links followed in one path before it counts as a loop (Linux's limit, MAXSYMLINKS). */
  private static final int MAX_LINKS = 40;

  private final Path workingDirectory;
  private final String boundary;

  /**
   * @param workingDirectory the directory every path must stay in; it need not exist yet
   */
  PathGuard(Path workingDirectory) {
    this(workingDirectory, "lattice.worker.shell.working-directory");
  }

  /**
   * @param workingDirectory the directory every path must stay in; it need not exist yet
   * @param boundary what the directory is, as messages name it (a setting, the run's workspace)
   */
  PathGuard(Path workingDirectory, String boundary) {
    this.workingDirectory = workingDirectory.toAbsolutePath().normalize();
    this.boundary = boundary;
  }

  /**
   * The real path of the working directory. Read on every step, so that a directory created or
   * moved after the node started is seen as it is.
   */
  Path root() {
    try {
      return workingDirectory.toRealPath();
    } catch (IOException e) {
      throw new ActionException(
          ErrorClass.AGENT_ERROR, boundary + " " + workingDirectory + " is not usable: " + e);
    }
  }

  /**
   * The directory a step runs in: {@code workdir} (null for the working directory itself) resolved
   * inside {@code root}.
   */
  Path directory(Path root, String workdir) {
    if (workdir == null) {
      return root;
    }
    Path resolved = inside(root, root, "input.workdir", workdir, workdir);
    if (!Files.isDirectory(resolved)) {
      throw new ActionException(
          ErrorClass.INVALID_INPUT,
          "input.workdir '" + workdir + "' is not an existing directory inside " + root);
    }
    return resolved;
  }

  /** Refuses {@code argument} if it or a part of it names a path outside {@code root}. */
  void checkArgument(Path root, Path directory, String what, String argument) {
    for (String candidate : candidates(argument)) {
      inside(root, directory, what, argument, candidate);
    }
  }

  /** The argument and the parts of it a program may read as a path. */
  static List<String> candidates(String argument) {
    List<String> candidates = new ArrayList<>();
    candidates.add(argument);
    int equals = argument.indexOf('=');
    if (equals >= 0) {
      candidates.add(argument.substring(equals + 1));
    }
    if (argument.startsWith("@")) {
      candidates.add(argument.substring(1));
    }
    if (argument.startsWith("-") && !argument.startsWith("--")) {
      // After "-x", "-xf", ...: each split between option letters and an attached value.
      for (int i = 1; i < argument.length() && Character.isLetter(argument.charAt(i)); i++) {
        candidates.add(argument.substring(i + 1));
      }
    }
    return candidates;
  }

  private Path inside(Path root, Path directory, String what, String argument, String path) {
    if (path.startsWith("~")) {
      throw denied(what, argument, "names a home directory");
    }
    Path resolved;
    try {
      resolved = resolve(directory, path);
    } catch (InvalidPathException e) {
      throw new ActionException(
          ErrorClass.INVALID_INPUT, what + " '" + argument + "' is not a valid path");
    }
    if (!resolved.startsWith(root)) {
      throw denied(what, argument, "leads to " + resolved + ", outside " + root);
    }
    return resolved;
  }

  private ActionException denied(String what, String argument, String why) {
    return new ActionException(
        ErrorClass.POLICY_DENIED,
        what
            + " '"
            + argument
            + "' "
            + why
            + "; shell steps may only name paths inside "
            + boundary);
  }

  /** {@code path} resolved from {@code directory} (a real path), following every link. */
  static Path resolve(Path directory, String path) {
    Path given = directory.getFileSystem().getPath(path);
    Path current = given.isAbsolute() ? given.getRoot() : directory;
    Deque<Path> pending = new ArrayDeque<>();
    given.forEach(pending::add);
    int links = 0;
    while (!pending.isEmpty()) {
      String name = pending.removeFirst().toString();
      if (name.isEmpty() || name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        // current holds no links, so its parent is the real parent.
        current = current.getParent() == null ? current : current.getParent();
        continue;
      }
      Path next = current.resolve(name);
      if (!Files.isSymbolicLink(next)) {
        current = next;
        continue;
      }
      if (++links > MAX_LINKS) {
        throw new ActionException(
            ErrorClass.INVALID_INPUT, "'" + path + "' passes through too many symbolic links");
      }
      Path target = readLink(next);
      List<Path> names = new ArrayList<>();
      target.forEach(names::add);
      for (int i = names.size() - 1; i >= 0; i--) {
        pending.addFirst(names.get(i));
      }
      if (target.isAbsolute()) {
        current = target.getRoot();
      }
    }
    return current;
  }

  private static Path readLink(Path link) {
    try {
      return Files.readSymbolicLink(link);
    } catch (IOException e) {
      throw new ActionException(
          ErrorClass.AGENT_ERROR, "could not read the symbolic link " + link + ": " + e);
    }
  }
}
