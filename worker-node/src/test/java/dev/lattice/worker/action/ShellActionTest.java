package dev.lattice.worker.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.AllowList;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.plan.Budget;
import dev.lattice.worker.secret.SecretResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellActionTest {
  private static final int CUT_OUTPUT_BYTES = 16;
  private static final int AMPLE_OUTPUT_BYTES = 65536;

  @TempDir Path siblings;
  private Path workdir;
  private static final Set<String> PASSED = Set.of("PATH", "LANG", "LC_ALL", "TZ");

  private int maxOutputBytes = AMPLE_OUTPUT_BYTES;
  private Map<String, String> nodeEnvironment = System.getenv();

  private final Executor executor = Executors.newCachedThreadPool();
  private SecretResolver secrets = SecretResolver.NONE;
  // What the action wrote to its run's log, as "level message".
  private final List<String> logged = new CopyOnWriteArrayList<>();

  @BeforeEach
  void createWorkingDirectory() throws Exception {
    workdir = Files.createDirectories(siblings.resolve("work"));
  }

  private JsonNode run(String inputJson, long ttlMs) {
    return run(inputJson, ttlMs, List.of());
  }

  private JsonNode run(String inputJson, long ttlMs, List<AllowList> tools) {
    ShellAction shell =
        new ShellAction(
            new ShellSettings(
                Set.of("echo", "false", "sleep", "ls", "cat", "printenv"),
                workdir,
                maxOutputBytes,
                PASSED,
                Set.of("GREETING", "CONFIG")),
            new WorkspaceSettings(siblings.resolve("workspaces"), Set.of("pwd"), 8, 1024, 4096),
            nodeEnvironment);
    try {
      JsonNode input = LatticeJson.mapper().readTree(inputJson.replace('\'', '"'));
      ActionRequest request =
          new ActionRequest(
              "r",
              "s",
              1,
              "r/s/1",
              "default",
              "shell",
              null,
              Budget.UNLIMITED,
              Instant.now().plusMillis(ttlMs),
              input,
              tools);
      ActionContext context =
          new ActionContext(
              AgentId.of("t.shell"),
              executor,
              LatticeJson.mapper(),
              Heartbeats.NONE,
              null,
              secrets,
              key -> (level, message) -> logged.add(level.wire() + " " + message));
      return shell.execute(request, context).toCompletableFuture().join().output();
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static ActionException failure(Runnable r) {
    try {
      r.run();
    } catch (CompletionException e) {
      return (ActionException) e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void runsAnAllowedCommandAndReportsItsOutput() {
    JsonNode out = run("{'command': ['echo', 'hello']}", 5000);
    assertThat(out.get("exitCode").asInt()).isZero();
    assertThat(out.get("stdout").asText()).isEqualTo("hello\n");
    assertThat(out.get("truncated").asBoolean()).isFalse();
  }

  @Test
  void resolvesSecretsInEnvValuesAndScrubsThemFromTheOutput() {
    secrets = new SecretResolver(Map.of("LATTICE_SECRET_CONFIG", "s3cr3t-v4lue")::get, null);

    JsonNode out =
        run("{'command': ['printenv', 'CONFIG'], 'env': {'CONFIG': '${secret:config}'}}", 5000);

    // The program saw the value; what comes back names the secret instead.
    assertThat(out.get("stdout").asText()).isEqualTo("${secret:config}\n");
    assertThat(out.toString()).doesNotContain("s3cr3t-v4lue");
  }

  @Test
  void aSecretSetNowhereFailsWithAuthAndRunsNothing() {
    ActionException e =
        failure(
            () ->
                run(
                    "{'command': ['printenv', 'CONFIG'], 'env': {'CONFIG': '${secret:config}'}}",
                    5000));
    assertThat(e.errorClass()).isEqualTo(ErrorClass.AUTH);
    assertThat(e.getMessage()).contains("config");
  }

  @Test
  void cutsLongOutput() {
    maxOutputBytes = CUT_OUTPUT_BYTES;
    JsonNode out = run("{'command': ['echo', 'a line much longer than sixteen bytes']}", 5000);
    assertThat(out.get("stdout").asText()).hasSize(CUT_OUTPUT_BYTES);
    assertThat(out.get("truncated").asBoolean()).isTrue();
  }

  @Test
  void deniesACommandOffTheAllowList() {
    ActionException e = failure(() -> run("{'command': ['rm', '-rf', '/']}", 5000));
    assertThat(e.errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(e.getMessage()).contains("'rm' is not in lattice.worker.shell.allowed-commands");
    ActionException path = failure(() -> run("{'command': ['/bin/echo', 'x']}", 5000));
    assertThat(path.errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
  }

  @Test
  void aCommandOffTheTenantsToolListIsDeniedNamingTheRule() {
    List<AllowList> tools =
        List.of(new AllowList("lattice.policy.tenants.acme.tools", Set.of("ls")));
    assertThat(run("{'command': ['ls']}", 5000, tools).get("exitCode").asInt()).isZero();
    ActionException e = failure(() -> run("{'command': ['echo', 'x']}", 5000, tools));
    assertThat(e.errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(e.getMessage())
        .isEqualTo("tool 'echo' is not on the allow-list lattice.policy.tenants.acme.tools [ls]");
  }

  @Test
  void aNonZeroExitFailsUnlessAskedToReportIt() {
    ActionException e = failure(() -> run("{'command': ['false']}", 5000));
    assertThat(e.errorClass()).isEqualTo(ErrorClass.AGENT_ERROR);
    assertThat(e.getMessage()).isEqualTo("command 'false' exited with 1");
    JsonNode out = run("{'command': ['false'], 'failOnNonZeroExit': false}", 5000);
    assertThat(out.get("exitCode").asInt()).isEqualTo(1);
  }

  @Test
  void killsACommandStillRunningAtItsDeadline() {
    ActionException e = failure(() -> run("{'command': ['sleep', '30']}", 300));
    assertThat(e.errorClass()).isEqualTo(ErrorClass.TIMEOUT);
  }

  @Test
  void keepsTheWorkingDirectoryInsideItsRoot() {
    ActionException e = failure(() -> run("{'command': ['ls'], 'workdir': '../..'}", 5000));
    assertThat(e.errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(e.getMessage()).contains("input.workdir '../..'");
    ActionException missing = failure(() -> run("{'command': ['ls'], 'workdir': 'nope'}", 5000));
    assertThat(missing.errorClass()).isEqualTo(ErrorClass.INVALID_INPUT);
    assertThatThrownBy(() -> run("{'command': 'ls'}", 5000))
        .hasCauseInstanceOf(ActionException.class);
  }

  @Test
  void refusesAnAbsolutePathOutsideTheWorkingDirectory() {
    ActionException e = failure(() -> run("{'command': ['cat', '/etc/hostname']}", 5000));
    assertThat(e.errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(e.getMessage()).contains("'/etc/hostname'");
    ActionException environ =
        failure(() -> run("{'command': ['cat', '/proc/self/environ']}", 5000));
    assertThat(environ.errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
  }

  @Test
  void refusesAPathInAnOptionValue() {
    ActionException e = failure(() -> run("{'command': ['ls', '--hide=/etc/hostname']}", 5000));
    assertThat(e.errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(e.getMessage()).contains("'--hide=/etc/hostname'");
  }

  @Test
  void readsAFileInsideTheWorkingDirectory() throws Exception {
    Files.createDirectories(workdir.resolve("sub"));
    Files.writeString(workdir.resolve("sub/notes.txt"), "inside");
    JsonNode out = run("{'command': ['cat', 'sub/notes.txt']}", 5000);
    assertThat(out.get("stdout").asText()).isEqualTo("inside");
    JsonNode dotted =
        run("{'command': ['cat', './sub/../sub/notes.txt'], 'workdir': 'sub/..'}", 5000);
    assertThat(dotted.get("stdout").asText()).isEqualTo("inside");
  }

  @Test
  void refusesAParentPathArgument() {
    ActionException e = failure(() -> run("{'command': ['ls', '../..']}", 5000));
    assertThat(e.errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(e.getMessage()).contains("'../..'");
  }

  @Test
  void refusesASymbolicLinkArgumentThatLeavesTheWorkingDirectory() throws Exception {
    Path outside = outside();
    Files.createSymbolicLink(workdir.resolve("out"), outside);
    Files.createSymbolicLink(workdir.resolve("secret"), outside.resolve("secret.txt"));
    // A dangling link would let a program create a file outside.
    Files.createSymbolicLink(workdir.resolve("dangling"), outside.resolve("new.txt"));
    for (String argument : List.of("secret", "out/secret.txt", "out", "dangling", "./out/..")) {
      ActionException e = failure(() -> run("{'command': ['cat', '" + argument + "']}", 5000));
      assertThat(e.errorClass()).as(argument).isEqualTo(ErrorClass.POLICY_DENIED);
      assertThat(e.getMessage()).as(argument).contains("'" + argument + "'");
    }
  }

  @Test
  void refusesAWorkdirThroughASymbolicLinkThatLeavesTheWorkingDirectory() throws Exception {
    Files.createSymbolicLink(workdir.resolve("out"), outside());
    ActionException e = failure(() -> run("{'command': ['ls'], 'workdir': 'out'}", 5000));
    assertThat(e.errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(e.getMessage()).contains("input.workdir 'out'");
  }

  /** A directory beside the working directory, holding a file the steps must not read. */
  private Path outside() throws Exception {
    Path outside = Files.createDirectories(siblings.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "secret");
    return outside;
  }

  @Test
  void followsASymbolicLinkThatStaysInside() throws Exception {
    Files.createDirectories(workdir.resolve("real"));
    Files.writeString(workdir.resolve("real/f.txt"), "linked");
    Files.createSymbolicLink(workdir.resolve("alias"), workdir.resolve("real"));
    JsonNode out = run("{'command': ['cat', 'f.txt'], 'workdir': 'alias'}", 5000);
    assertThat(out.get("stdout").asText()).isEqualTo("linked");
  }

  @Test
  void refusesALoaderVariableInTheStepsEnvironment() {
    ActionException e =
        failure(() -> run("{'command': ['echo'], 'env': {'LD_PRELOAD': 'libevil.so'}}", 5000));
    assertThat(e.errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(e.getMessage()).contains("LD_PRELOAD");
  }

  @Test
  void theChildGetsOnlyAllowListedVariablesOfTheNode() {
    Set<String> others = new HashSet<>(System.getenv().keySet());
    others.removeAll(PASSED);
    // The test JVM inherits its builder's environment (HOME at least), which stands for the node's.
    assertThat(others).isNotEmpty();
    JsonNode out = run("{'command': ['printenv']}", 5000);
    Set<String> names =
        out.get("stdout")
            .asText()
            .lines()
            .map(l -> l.substring(0, l.indexOf('=')))
            .collect(Collectors.toSet());
    assertThat(names).isSubsetOf(PASSED).doesNotContainAnyElementsOf(others).contains("PATH");
  }

  @Test
  void aSecretInTheNodesEnvironmentDoesNotReachTheChild() {
    nodeEnvironment =
        Map.of("PATH", System.getenv("PATH"), "LATTICE_JOURNAL_PASSWORD", "hunter2-secret");
    JsonNode out = run("{'command': ['printenv'], 'env': {'GREETING': 'hi'}}", 5000);
    assertThat(out.get("stdout").asText())
        .doesNotContain("hunter2-secret")
        .doesNotContain("LATTICE_JOURNAL_PASSWORD")
        .contains("GREETING=hi\n")
        .contains("PATH=" + System.getenv("PATH") + "\n");
  }

  @Test
  void refusesAStepVariableOffTheAllowList() {
    ActionException e =
        failure(() -> run("{'command': ['printenv'], 'env': {'SECRET_KEY': 'x'}}", 5000));
    assertThat(e.errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(e.getMessage()).contains("SECRET_KEY").contains("lattice.worker.shell.allowed-env");
  }

  @Test
  void refusesAPathOutsideInAStepVariable() {
    ActionException e =
        failure(() -> run("{'command': ['printenv'], 'env': {'CONFIG': '/etc/hostname'}}", 5000));
    assertThat(e.errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(e.getMessage()).contains("input.env.CONFIG '/etc/hostname'");
  }

  @Test
  void runsInTheRunsWorkspaceWhereItsOwnProgramsMayRun() throws Exception {
    Path workspace = siblings.resolve("workspaces").resolve("r");
    JsonNode out = run("{'command': ['pwd'], 'workspace': true}", 5000);
    assertThat(out.get("stdout").asText().strip()).isEqualTo(workspace.toRealPath().toString());
    Files.createDirectories(workspace.resolve("sub"));
    Files.writeString(workspace.resolve("sub/notes.txt"), "in the workspace");
    JsonNode sub =
        run("{'command': ['cat', 'notes.txt'], 'workdir': 'sub', 'workspace': true}", 5000);
    assertThat(sub.get("stdout").asText()).isEqualTo("in the workspace");
  }

  @Test
  void aWorkspaceProgramIsRefusedOutsideTheWorkspace() {
    ActionException e = failure(() -> run("{'command': ['pwd']}", 5000));
    assertThat(e.errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(e.getMessage()).contains("'pwd' is not in lattice.worker.shell.allowed-commands [");
    ActionException neither = failure(() -> run("{'command': ['rm'], 'workspace': true}", 5000));
    assertThat(neither.getMessage())
        .contains(
            "is not in lattice.worker.shell.allowed-commands or"
                + " lattice.worker.workspace.allowed-commands");
  }

  @Test
  void aStepInTheWorkspaceMayNameNoPathOutsideIt() throws Exception {
    Files.writeString(workdir.resolve("node-file.txt"), "the node's");
    for (String argument : List.of("../../work/node-file.txt", "../other-run", "/etc/hostname")) {
      ActionException e =
          failure(() -> run("{'command': ['cat', '" + argument + "'], 'workspace': true}", 5000));
      assertThat(e.errorClass()).as(argument).isEqualTo(ErrorClass.POLICY_DENIED);
      assertThat(e.getMessage()).as(argument).contains("inside the run's workspace");
    }
    ActionException workdirOut =
        failure(() -> run("{'command': ['ls'], 'workdir': '..', 'workspace': true}", 5000));
    assertThat(workdirOut.errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    ActionException notAFlag = failure(() -> run("{'command': ['ls'], 'workspace': 'yes'}", 5000));
    assertThat(notAFlag.errorClass()).isEqualTo(ErrorClass.INVALID_INPUT);
  }

  @Test
  void writesEachLineOfItsOutputToTheRunsLogStderrAsWarnings() throws Exception {
    Files.writeString(workdir.resolve("notes.txt"), "first\r\nsecond\n\nfourth");

    ActionException failed =
        failure(() -> run("{'command': ['cat', 'notes.txt', 'missing.txt']}", 5000));

    assertThat(failed.errorClass()).isEqualTo(ErrorClass.AGENT_ERROR);
    // Written before the failure: the log of a failed command is the one people read.
    assertThat(logged)
        .containsExactly(
            "info first",
            "info second",
            "info ",
            "info fourth",
            "warn cat: missing.txt: No such file or directory");
  }

  @Test
  void scrubsResolvedSecretsFromTheLinesItLogs() {
    secrets = new SecretResolver(Map.of("LATTICE_SECRET_CONFIG", "s3cr3t-v4lue")::get, null);

    run("{'command': ['printenv', 'CONFIG'], 'env': {'CONFIG': '${secret:config}'}}", 5000);

    assertThat(logged).containsExactly("info ${secret:config}");
  }
}
