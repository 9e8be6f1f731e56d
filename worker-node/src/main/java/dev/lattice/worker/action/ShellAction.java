package dev.lattice.worker.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.agent.ErrorClass;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command from an allow-list, without a shell, and reports its exit code and output.
 *
 * <p>Input: {@code {"command": ["mvn", "-q", "test"], "workdir": "module", "env": {"K": "V"},
 * "failOnNonZeroExit": true}}. Only {@code command} is required; its first element must be one of
 * the configured allowed command names (no paths). {@code workdir} is resolved inside the
 * configured working directory and may not leave it. Output: {@code {"exitCode", "stdout",
 * "stderr", "durationMs", "truncated"}}, each stream cut to the configured size. A command still
 * running at the assignment's deadline is killed and the attempt fails with {@code timeout}.
 */
public final class ShellAction implements AgentAction {
  private final Set<String> allowedCommands;
  private final Path workingDirectory;
  private final int maxOutputBytes;

  public ShellAction(Set<String> allowedCommands, Path workingDirectory, int maxOutputBytes) {
    this.allowedCommands = Set.copyOf(allowedCommands);
    this.workingDirectory = workingDirectory.toAbsolutePath().normalize();
    this.maxOutputBytes = maxOutputBytes;
  }

  @Override
  public CompletionStage<ActionResult> execute(ActionRequest request, ActionContext context) {
    return CompletableFuture.supplyAsync(() -> run(request, context), context.executor());
  }

  private ActionResult run(ActionRequest request, ActionContext context) {
    JsonNode input = request.input();
    List<String> command = command(input);
    // The command is a tool: the tenant's and the capability's tool allow-lists apply as well.
    context.useTool(request, command.get(0));
    Path directory = directory(input);
    boolean failOnNonZeroExit =
        !input.has("failOnNonZeroExit") || input.get("failOnNonZeroExit").asBoolean();
    Path stdout = null;
    Path stderr = null;
    try {
      stdout = Files.createTempFile("lattice-shell-", ".out");
      stderr = Files.createTempFile("lattice-shell-", ".err");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile());
      environment(input, builder.environment());
      Instant started = Instant.now();
      Process process = builder.start();
      long waitMs = Math.max(1, Duration.between(started, request.deadline()).toMillis());
      if (!process.waitFor(waitMs, TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new ActionException(
            ErrorClass.TIMEOUT, "command '" + command.get(0) + "' still ran at its deadline");
      }
      Output out = read(stdout);
      Output err = read(stderr);
      int exitCode = process.exitValue();
      if (exitCode != 0 && failOnNonZeroExit) {
        throw new ActionException(
            ErrorClass.AGENT_ERROR,
            "command '" + command.get(0) + "' exited with " + exitCode + lastLine(err.text()));
      }
      ObjectNode output = context.json().createObjectNode();
      output.put("exitCode", exitCode);
      output.put("stdout", out.text());
      output.put("stderr", err.text());
      output.put("durationMs", Duration.between(started, Instant.now()).toMillis());
      output.put("truncated", out.truncated() || err.truncated());
      return ActionResult.of(output);
    } catch (IOException e) {
      throw new ActionException(ErrorClass.AGENT_ERROR, "could not run command: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ActionException(ErrorClass.CANCELLED, "interrupted while the command ran");
    } finally {
      deleteQuietly(stdout);
      deleteQuietly(stderr);
    }
  }

  private List<String> command(JsonNode input) {
    JsonNode node = input == null ? null : input.get("command");
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw new ActionException(
          ErrorClass.INVALID_INPUT, "input.command must be a non-empty array of strings");
    }
    List<String> command = new ArrayList<>();
    for (JsonNode part : node) {
      if (!part.isTextual()) {
        throw new ActionException(ErrorClass.INVALID_INPUT, "input.command holds a non-string");
      }
      command.add(part.asText());
    }
    String program = command.get(0);
    if (program.contains("/") || program.contains("\\") || !allowedCommands.contains(program)) {
      throw new ActionException(
          ErrorClass.POLICY_DENIED,
          "command '"
              + program
              + "' is not in lattice.worker.shell.allowed-commands "
              + allowedCommands.stream().sorted().toList());
    }
    return command;
  }

  private Path directory(JsonNode input) {
    JsonNode node = input.get("workdir");
    if (node == null || node.isNull()) {
      return workingDirectory;
    }
    Path resolved = workingDirectory.resolve(node.asText()).normalize();
    if (!resolved.startsWith(workingDirectory) || !Files.isDirectory(resolved)) {
      throw new ActionException(
          ErrorClass.INVALID_INPUT,
          "input.workdir must be an existing directory inside " + workingDirectory);
    }
    return resolved;
  }

  private static void environment(JsonNode input, Map<String, String> environment) {
    JsonNode env = input.get("env");
    if (env == null || env.isNull()) {
      return;
    }
    if (!env.isObject()) {
      throw new ActionException(ErrorClass.INVALID_INPUT, "input.env must be an object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = env.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      environment.put(entry.getKey(), entry.getValue().asText());
    }
  }

  private record Output(String text, boolean truncated) {}

  private Output read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(maxOutputBytes + 1);
      boolean truncated = bytes.length > maxOutputBytes;
      int length = truncated ? maxOutputBytes : bytes.length;
      return new Output(new String(bytes, 0, length, StandardCharsets.UTF_8), truncated);
    }
  }

  private static String lastLine(String text) {
    String trimmed = text.strip();
    if (trimmed.isEmpty()) {
      return "";
    }
    int newline = trimmed.lastIndexOf('\n');
    return ": " + (newline >= 0 ? trimmed.substring(newline + 1) : trimmed);
  }

  private static java.io.File nullDevice() {
    return new java.io.File(
        System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // A leftover temporary file is harmless; the attempt's result matters more.
      }
    }
  }
}
