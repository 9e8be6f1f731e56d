package dev.lattice.worker.action;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.ErrorClass;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One file of a {@code files.write} step's input, {@code {"path", "content"}}.
 *
 * @param field where it is in the input ({@code input.files[2]}), for messages
 * @param path the path inside the run's workspace, as given
 * @param content the file's text, written as UTF-8
 */
record FileToWrite(String field, String path, String content) {
  private static final Set<String> FIELDS = Set.of("path", "content");

  /** The content's bytes as written. */
  byte[] bytes() {
    return content.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The files of {@code input} ({@code {"files": [...]}}), each path once, within {@code limits}.
   *
   * @throws ActionException {@code invalid_input} naming the field or the limit
   */
  static List<FileToWrite> read(JsonNode input, WorkspaceSettings limits) {
    JsonNode files = input == null ? null : input.get("files");
    if (files == null || !files.isArray() || files.isEmpty()) {
      throw invalid("input.files must be a non-empty array of {\"path\", \"content\"}");
    }
    for (Map.Entry<String, JsonNode> field : input.properties()) {
      if (!field.getKey().equals("files")) {
        throw invalid("input." + field.getKey() + " is not a field of files.write");
      }
    }
    if (files.size() > limits.maxFiles()) {
      throw invalid(
          "input.files holds "
              + files.size()
              + " files; lattice.worker.workspace.max-files allows "
              + limits.maxFiles());
    }
    List<FileToWrite> read = new ArrayList<>();
    Set<String> paths = new HashSet<>();
    long total = 0;
    for (int i = 0; i < files.size(); i++) {
      FileToWrite file = one("input.files[" + i + "]", files.get(i));
      if (!paths.add(file.path())) {
        throw invalid(file.field() + ".path '" + file.path() + "' is given twice");
      }
      long bytes = file.bytes().length;
      if (bytes > limits.maxFileBytes()) {
        throw invalid(
            file.field()
                + " has "
                + bytes
                + " bytes; lattice.worker.workspace.max-file-size allows "
                + limits.maxFileBytes());
      }
      total += bytes;
      read.add(file);
    }
    if (total > limits.maxTotalBytes()) {
      throw invalid(
          "input.files hold "
              + total
              + " bytes; lattice.worker.workspace.max-total-size allows "
              + limits.maxTotalBytes());
    }
    return read;
  }

  private static FileToWrite one(String field, JsonNode node) {
    if (!node.isObject()) {
      throw invalid(field + " must be an object {\"path\", \"content\"}");
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (!FIELDS.contains(entry.getKey())) {
        throw invalid(field + "." + entry.getKey() + " is not a field of a file");
      }
    }
    JsonNode path = node.get("path");
    JsonNode content = node.get("content");
    if (path == null || !path.isTextual()) {
      throw invalid(field + ".path must be a string");
    }
    if (content == null || !content.isTextual()) {
      throw invalid(field + ".content must be a string");
    }
    return new FileToWrite(field, path.asText(), content.asText());
  }

  private static ActionException invalid(String message) {
    return new ActionException(ErrorClass.INVALID_INPUT, message);
  }
}
