package dev.lattice.worker.action;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.ids.RunId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The runs' workspaces: one directory per run, {@code ROOT/RUN_ID}, under {@code
 * lattice.worker.workspace.root}. A step finds its run's by the run id of its assignment, never by
 * its input, so no step can name another run's workspace.
 */
final class Workspaces {
  /** How messages name a run's workspace. */
  static final String BOUNDARY = "the run's workspace (lattice.worker.workspace.root/RUN_ID)";

  private final Path root;

  Workspaces(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /**
   * The real path of the workspace of {@code runId}, created when it does not exist yet (by the
   * first step that uses it; steps of one run may race to create it, which both survive).
   */
  Path of(String runId) {
    String name;
    try {
      // A run id is one path component ('.' and '..' cannot be run ids); checked again here since
      // an embedding application builds requests too.
      name = RunId.of(runId).value();
    } catch (IllegalArgumentException e) {
      throw new ActionException(ErrorClass.INVALID_INPUT, "no workspace for run '" + runId + "'");
    }
    try {
      Path realRoot = Files.createDirectories(root).toRealPath();
      Path workspace = Files.createDirectories(realRoot.resolve(name)).toRealPath();
      if (!workspace.getParent().equals(realRoot)) {
        // A link put in the root by hand would send the run's files elsewhere.
        throw new ActionException(
            ErrorClass.POLICY_DENIED,
            "the workspace of run '" + runId + "' leads to " + workspace + ", outside " + realRoot);
      }
      return workspace;
    } catch (IOException e) {
      throw new ActionException(
          ErrorClass.AGENT_ERROR,
          "lattice.worker.workspace.root " + root + " is not usable: " + e.getMessage());
    }
  }
}
