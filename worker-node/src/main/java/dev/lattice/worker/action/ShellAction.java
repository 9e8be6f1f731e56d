package dev.lattice.worker.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.log.LogLevel;
import dev.lattice.worker.secret.ResolvedSecrets;
import dev.lattice.worker.secret.SecretResolver;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command from an allow-list, without a shell, and reports its exit code and output.
 *
 * <p>Input: {@code {"command": ["mvn", "-q", "test"], "workdir": "module", "env": {"K": "V"},
 * "failOnNonZeroExit": true, "workspace": false}}. Only {@code command} is required; its first
 * element must be one of the configured allowed program names ({@link ProgramAllowList}). {@code
 * workdir}, every other element of {@code command} and every {@code env} value that names a path
 * must stay inside the configured working directory once symbolic links are followed ({@link
 * PathGuard}). With {@code "workspace": true} the run's workspace ({@link Workspaces}, where {@code
 * files.write} puts files) takes the working directory's place, and the programs of {@code
 * lattice.worker.workspace.allowed-commands} may run there too. The program starts from a clean
 * environment: the configured pass-through variables of the node and the step's allowed {@code env}
 * entries ({@link EnvironmentPolicy}), never the node's secrets. An {@code env} value may name
 * secrets ({@code "${secret:NAME}"}): they are resolved here, just before the program starts (never
 * in {@code command}, whose arguments other users of the machine can list), and their values are
 * scrubbed from the output and the error message. Output: {@code {"exitCode", "stdout", "stderr",
 * "durationMs", "truncated"}}, each stream cut to the configured size. A command still running at
 * the assignment's deadline is killed and the attempt fails with {@code timeout}. Its output also
 * goes to the run's log, line by line ({@link ActionContext#log}), whether it succeeded or not.
 */
public final class ShellAction implements AgentAction {
  private final ProgramAllowList programs;
  private final ProgramAllowList workspacePrograms;
  private final PathGuard paths;
  private final Workspaces workspaces;
  private final EnvironmentPolicy environment;
  private final Map<String, String> nodeEnvironment;
  private final int maxOutputBytes;

  /**
   * @throws IllegalArgumentException if the settings allow a launcher program or a variable that is
   *     never allowed
   */
  public ShellAction(ShellSettings settings, WorkspaceSettings workspace) {
    this(settings, workspace, System.getenv());
  }

  /** With {@code nodeEnvironment} standing for the node's environment variables. */
  ShellAction(
      ShellSettings settings, WorkspaceSettings workspace, Map<String, String> nodeEnvironment) {
    this.programs = new ProgramAllowList(settings.allowedCommands());
    this.workspacePrograms =
        programs.or(
            new ProgramAllowList(
                workspace.allowedCommands(), "lattice.worker.workspace.allowed-commands"));
    this.paths = new PathGuard(settings.workingDirectory());
    this.workspaces = new Workspaces(workspace.root());
    this.environment = new EnvironmentPolicy(settings.passEnvironment(), settings.allowedEnv());
    this.nodeEnvironment = Map.copyOf(nodeEnvironment);
    this.maxOutputBytes = settings.maxOutputBytes();
  }

  @Override
  public CompletionStage<ActionResult> execute(ActionRequest request, ActionContext context) {
    return CompletableFuture.supplyAsync(() -> run(request, context), context.executor());
  }

  private ActionResult run(ActionRequest request, ActionContext context) {
    JsonNode input = request.input();
    boolean inWorkspace = flag(input, "workspace");
    List<String> command = command(input, inWorkspace ? workspacePrograms : programs);
    // The command is a tool: the tenant's and the capability's tool allow-lists apply as well.
    context.useTool(request, command.get(0));
    PathGuard guard =
        inWorkspace ? new PathGuard(workspaces.of(request.runId()), Workspaces.BOUNDARY) : paths;
    Path root = guard.root();
    Path directory = guard.directory(root, text(input, "workdir"));
    for (int i = 1; i < command.size(); i++) {
      guard.checkArgument(root, directory, "input.command[" + i + "]", command.get(i));
    }
    Map<String, String> childEnvironment =
        environment.childEnvironment(nodeEnvironment, input.get("env"));
    checkStepEnvironment(guard, input.get("env"), root, directory);
    ResolvedSecrets secrets = new ResolvedSecrets();
    resolveSecrets(childEnvironment, input.get("env"), context.secrets(), secrets);
    try {
      return runCommand(command, directory, childEnvironment, input, request, context, secrets);
    } catch (ActionException e) {
      throw secrets.isEmpty() ? e : e.withMessage(secrets.scrub(e.getMessage()));
    }
  }

  private ActionResult runCommand(
      List<String> command,
      Path directory,
      Map<String, String> childEnvironment,
      JsonNode input,
      ActionRequest request,
      ActionContext context,
      ResolvedSecrets secrets) {
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
      // A clean environment: the node's own variables (a journal password, API keys) stay out.
      builder.environment().clear();
      builder.environment().putAll(childEnvironment);
      Instant started = Instant.now();
      Process process = builder.start();
      long waitMs = Math.max(1, Duration.between(started, request.deadline()).toMillis());
      if (!process.waitFor(waitMs, TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        // What it printed before its deadline tells why it was slow.
        log(context.log(request), read(stdout), read(stderr), secrets);
        throw new ActionException(
            ErrorClass.TIMEOUT, "command '" + command.get(0) + "' still ran at its deadline");
      }
      Output out = read(stdout);
      Output err = read(stderr);
      log(context.log(request), out, err, secrets);
      int exitCode = process.exitValue();
      if (exitCode != 0 && failOnNonZeroExit) {
        throw new ActionException(
            ErrorClass.AGENT_ERROR,
            "command '" + command.get(0) + "' exited with " + exitCode + lastLine(err.text()));
      }
      ObjectNode output = context.json().createObjectNode();
      output.put("exitCode", exitCode);
      output.put("stdout", secrets.scrub(out.text()));
      output.put("stderr", secrets.scrub(err.text()));
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

  /**
   * Writes the command's output to its run's log, a line per line: stdout at info, stderr at warn
   * (where programs report what went wrong), without the values of the secrets it was given.
   */
  private static void log(AttemptLog log, Output out, Output err, ResolvedSecrets secrets) {
    lines(log, LogLevel.INFO, secrets.scrub(out.text()));
    lines(log, LogLevel.WARN, secrets.scrub(err.text()));
  }

  private static void lines(AttemptLog log, LogLevel level, String text) {
    if (text.isEmpty()) {
      return;
    }
    // The last line break ends the last line; it does not start an empty one.
    String[] lines = text.split("\r?\n", -1);
    int count = text.endsWith("\n") ? lines.length - 1 : lines.length;
    for (int i = 0; i < count; i++) {
      log.write(level, lines[i]);
    }
  }

  /** Resolves the secret references of the step's own {@code env} values in {@code child}. */
  private static void resolveSecrets(
      Map<String, String> child, JsonNode env, SecretResolver resolver, ResolvedSecrets used) {
    if (env == null || !env.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> entry : env.properties()) {
      String name = entry.getKey();
      String value = child.get(name);
      if (SecretResolver.mentions(value)) {
        child.put(name, resolver.resolve(value, used));
      }
    }
  }

  private static List<String> command(JsonNode input, ProgramAllowList allowed) {
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
    allowed.check(command.get(0));
    return command;
  }

  /** A variable's value reaches the program like an argument, and may name a path like one. */
  private static void checkStepEnvironment(
      PathGuard guard, JsonNode env, Path root, Path directory) {
    if (env == null || !env.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> entry : env.properties()) {
      guard.checkArgument(
          root, directory, "input.env." + entry.getKey(), entry.getValue().asText());
    }
  }

  private static boolean flag(JsonNode input, String field) {
    JsonNode node = input == null ? null : input.get(field);
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      throw new ActionException(ErrorClass.INVALID_INPUT, "input." + field + " must be a boolean");
    }
    return node.asBoolean();
  }

  private static String text(JsonNode input, String field) {
    JsonNode node = input.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new ActionException(ErrorClass.INVALID_INPUT, "input." + field + " must be a string");
    }
    return node.asText();
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

  private static File nullDevice() {
    return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
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
