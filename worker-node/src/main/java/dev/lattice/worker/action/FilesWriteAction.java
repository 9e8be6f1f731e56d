package dev.lattice.worker.action;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.ToolEffect;
import dev.lattice.protocol.agent.ToolSpec;
import dev.lattice.protocol.json.LatticeJson;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Writes files into the run's workspace ({@code lattice.worker.workspace.root/RUN_ID}), where shell
 * steps with {@code "workspace": true} then build and test them.
 *
 * <p>Input: {@code {"files": [{"path": "src/Main.java", "content": "..."}]}}, each path relative to
 * the workspace ({@link WorkspacePaths}), within the configured counts and sizes ({@link
 * FileToWrite}). Every path is checked before anything is written, so a step with one bad path
 * writes nothing. Each file is written whole or not at all (a temporary file moved over it), and a
 * file that already holds the content is left as it is: repeating a step, as a retry or a re-sent
 * attempt does, changes nothing. Output: {@code {"workspace": DIR, "files": [{"path", "bytes",
 * "sha256"}]}}.
 */
public final class FilesWriteAction implements AgentAction {
  /** The action's name in {@code lattice.worker.agents}, and the capability it serves. */
  public static final String NAME = "files.write";

  private static final String SCHEMA =
      """
      {"type": "object", "required": ["files"], "additionalProperties": false,
       "properties": {
         "files": {"type": "array", "minItems": 1,
                   "items": {"type": "object", "required": ["path", "content"],
                             "additionalProperties": false,
                             "properties": {
                               "path": {"type": "string",
                                        "description": "A relative path inside the workspace, without '..'."},
                               "content": {"type": "string", "description": "The whole file, as text."}}}}}}
      """;

  /** As a tool: writing the same files again leaves the same files. */
  private static final ToolSpec TOOL =
      new ToolSpec(
          "Writes text files into this run's workspace, where build and test commands run.",
          schema(),
          ToolEffect.IDEMPOTENT);

  private final WorkspaceSettings settings;
  private final Workspaces workspaces;

  public FilesWriteAction(WorkspaceSettings settings) {
    this.settings = settings;
    this.workspaces = new Workspaces(settings.root());
  }

  @Override
  public ToolSpec describe(String capability) {
    return TOOL;
  }

  @Override
  public CompletionStage<ActionResult> execute(ActionRequest request, ActionContext context) {
    return CompletableFuture.supplyAsync(() -> write(request, context), context.executor());
  }

  private ActionResult write(ActionRequest request, ActionContext context) {
    List<FileToWrite> files = FileToWrite.read(request.input(), settings);
    Path workspace = workspaces.of(request.runId());
    List<Path> targets = new ArrayList<>();
    for (FileToWrite file : files) {
      targets.add(WorkspacePaths.target(workspace, file.field() + ".path", file.path()));
    }
    ObjectNode output = context.json().createObjectNode();
    output.put("workspace", workspace.toString());
    ArrayNode written = output.putArray("files");
    for (int i = 0; i < files.size(); i++) {
      byte[] bytes = files.get(i).bytes();
      writeOnce(targets.get(i), bytes, files.get(i).field());
      written
          .addObject()
          .put("path", workspace.relativize(targets.get(i)).toString())
          .put("bytes", bytes.length)
          .put("sha256", sha256(bytes));
    }
    return ActionResult.of(output);
  }

  /** Writes {@code bytes} at {@code target} unless it holds them already; whole or not at all. */
  private static void writeOnce(Path target, byte[] bytes, String field) {
    try {
      if (Files.isRegularFile(target)
          && Files.size(target) == bytes.length
          && Arrays.equals(Files.readAllBytes(target), bytes)) {
        return;
      }
      Path directory = Files.createDirectories(target.getParent());
      // Not createTempFile, whose file is private to the node's user: the file gets the same
      // permissions as one the run's programs create.
      Path temporary = directory.resolve(".lattice-" + UUID.randomUUID() + ".tmp");
      try {
        Files.write(temporary, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        move(temporary, target);
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (FileAlreadyExistsException | NotDirectoryException e) {
      // A path through a file ("Main.java/x"): the input's mistake, which a retry repeats.
      throw new ActionException(
          ErrorClass.INVALID_INPUT,
          field + " could not be written: " + e.getFile() + " is not a directory");
    } catch (IOException e) {
      throw new ActionException(
          ErrorClass.AGENT_ERROR, field + " could not be written: " + e.getMessage());
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static JsonNode schema() {
    try {
      return LatticeJson.mapper().readTree(SCHEMA);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the files.write tool's schema is not JSON", e);
    }
  }
}
