package dev.lattice.worker.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.AllowList;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.plan.Budget;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellActionTest {
  @TempDir Path workdir;

  private final ActionContext context =
      new ActionContext(
          AgentId.of("t.shell"), Executors.newCachedThreadPool(), LatticeJson.mapper());

  private JsonNode run(String inputJson, long ttlMs) {
    return run(inputJson, ttlMs, List.of());
  }

  private JsonNode run(String inputJson, long ttlMs, List<AllowList> tools) {
    ShellAction shell = new ShellAction(Set.of("echo", "false", "sleep", "ls"), workdir, 16);
    try {
      JsonNode input = LatticeJson.mapper().readTree(inputJson.replace('\'', '"'));
      ActionRequest request =
          new ActionRequest(
              "r",
              "s",
              1,
              "r/s/1",
              "default",
              null,
              Budget.UNLIMITED,
              Instant.now().plusMillis(ttlMs),
              input,
              tools);
      return shell.execute(request, context).toCompletableFuture().join().output();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
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
  void cutsLongOutput() {
    JsonNode out = run("{'command': ['echo', 'a line much longer than sixteen bytes']}", 5000);
    assertThat(out.get("stdout").asText()).hasSize(16);
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
    assertThat(e.errorClass()).isEqualTo(ErrorClass.INVALID_INPUT);
    assertThatThrownBy(() -> run("{'command': 'ls'}", 5000))
        .hasCauseInstanceOf(ActionException.class);
  }
}
