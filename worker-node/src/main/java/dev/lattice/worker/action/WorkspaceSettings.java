package dev.lattice.worker.action;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Set;

/**
 * The {@code lattice.worker.workspace} settings: where runs keep the files their agents write, what
 * a shell step may run there, and how much one {@code files.write} step may write.
 *
 * @param root the directory holding one workspace per run, {@code ROOT/RUN_ID}
 * @param allowedCommands programs a shell step may run in its run's workspace, besides {@code
 *     lattice.worker.shell.allowed-commands}
 * @param maxFiles the most files one step writes
 * @param maxFileBytes the largest file one step writes, in bytes of UTF-8
 * @param maxTotalBytes the most bytes one step writes in all
 */
public record WorkspaceSettings(
    Path root, Set<String> allowedCommands, int maxFiles, long maxFileBytes, long maxTotalBytes) {

  public WorkspaceSettings {
    allowedCommands = Set.copyOf(allowedCommands);
  }

  /** Reads {@code workspace}, the {@code lattice.worker.workspace} section. */
  public static WorkspaceSettings create(Config workspace) {
    return new WorkspaceSettings(
        Path.of(workspace.getString("root")),
        Set.copyOf(workspace.getStringList("allowed-commands")),
        workspace.getInt("max-files"),
        workspace.getBytes("max-file-size"),
        workspace.getBytes("max-total-size"));
  }
}
