package dev.lattice.worker.action;

import dev.lattice.protocol.agent.ErrorClass;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Keeps the files a step writes inside its run's workspace.
 *
 * <p>A path must be relative and must not climb with {@code ..}, even where it would come back
 * inside: a writer has no reason to, and a model that tries is better refused than interpreted.
 * What it names is then resolved as {@link PathGuard} resolves a shell argument, following every
 * symbolic link on the way (a link the run's own programs left in the workspace included), and must
 * end inside the workspace's real path, at something that is not a directory. The file is written
 * at that resolved place, so what was checked is what is written.
 *
 * <p>Like the shell's guard, this guards against mistakes and prompt-injected paths, not against a
 * hostile program racing it: a link swapped between the check and the write is out of its reach.
 */
final class WorkspacePaths {
  private WorkspacePaths() {}

  /**
   * Where {@code path}, given as {@code field}, is written inside {@code workspace} (a real path).
   *
   * @throws ActionException {@code invalid_input} for an empty or malformed path or one naming a
   *     directory; {@code policy_denied} for one that is absolute, climbs or leads outside
   */
  static Path target(Path workspace, String field, String path) {
    if (path.isBlank()) {
      throw new ActionException(
          ErrorClass.INVALID_INPUT, field + " must be a non-empty relative path");
    }
    Path given;
    try {
      given = workspace.getFileSystem().getPath(path);
    } catch (InvalidPathException e) {
      throw new ActionException(ErrorClass.INVALID_INPUT, field + " '" + path + "' is not a path");
    }
    if (given.isAbsolute() || given.getRoot() != null) {
      throw denied(field, path, "is absolute");
    }
    for (Path name : given) {
      if (name.toString().equals("..")) {
        throw denied(field, path, "climbs with '..'");
      }
    }
    Path resolved = PathGuard.resolve(workspace, path);
    if (!resolved.startsWith(workspace)) {
      throw denied(field, path, "leads to " + resolved + ", outside " + workspace);
    }
    if (Files.isDirectory(resolved)) {
      throw new ActionException(
          ErrorClass.INVALID_INPUT, field + " '" + path + "' names a directory, not a file");
    }
    return resolved;
  }

  private static ActionException denied(String field, String path, String why) {
    return new ActionException(
        ErrorClass.POLICY_DENIED,
        field
            + " '"
            + path
            + "' "
            + why
            + "; files may only be written inside "
            + Workspaces.BOUNDARY);
  }
}
