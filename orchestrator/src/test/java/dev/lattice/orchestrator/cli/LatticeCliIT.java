package dev.lattice.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Streaming;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.plan.Plans;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.ChildJvm;
import dev.lattice.orchestrator.testing.DelayedEcho;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.persistence.testing.AuditedRecorder;
import dev.lattice.persistence.testing.FreePorts;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.audit.AuditKind;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code lattice} client commands, each run as a separate process against a real node. */
class LatticeCliIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(1);
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration SLOW_STEP = Duration.ofSeconds(5);
  private static final String REVIEW = "One bug: the loop never ends.";

  @TempDir static Path data;
  @TempDir static Path logs;
  static Lattice lattice;
  static ScriptedModelServer models;
  static String server;

  @BeforeAll
  static void start() {
    models =
        ScriptedModelServer.start(
            Script.of(
                    ScriptEntry.text(REVIEW).stream(Streaming.none().withTokenDelayMs(5).byWords())
                        .when(Match.contains("while (true)")),
                    ScriptEntry.text("Noted: blue.").when(Match.contains("Remember")))
                .withModels("scripted-model"));
    // Idle connections close quickly here, so that following a slow step needs resuming.
    lattice =
        Lattice.builder()
            .dataDirectory(data)
            .config(
                ConfigFactory.parseString(
                    "pekko.http.server.idle-timeout = "
                        + IDLE_TIMEOUT.toMillis()
                        + "ms\nlattice.llm.providers.local.base-url = \""
                        + models.baseUrl()
                        + "/v1\""))
            .action("slow", DelayedEcho.after(SLOW_STEP))
            // Never answers: a run on it stays in flight for as long as a test needs.
            .action("held", (request, context) -> new java.util.concurrent.CompletableFuture<>())
            .start();
    server = LoopbackApi.start(lattice);
  }

  @AfterAll
  static void stop() {
    lattice.close();
    models.close();
  }

  /** A finished CLI process: its exit code, stdout lines and stderr. */
  record Result(int exit, List<String> out, String err) {}

  private static Result cli(String name, String... args) throws Exception {
    Path log = logs.resolve(name + ".err");
    try (ChildJvm process =
        ChildJvm.start(log, LatticeMain.class.getName(), List.of("-Xmx128m"), args)) {
      assertThat(process.process().waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      int exit = process.process().exitValue();
      // The output reader may lag the exit by a moment: wait for its end marker.
      process.awaitEnd(TIMEOUT);
      return new Result(exit, process.lines(), Files.readString(log));
    }
  }

  @Test
  void agentExecPrintsTheAnswerOrFollowsTheRunAndAgentsGroupsByCategory() throws Exception {
    Result exec =
        cli(
            "agent-exec",
            "agent",
            "exec",
            "echo",
            "hello",
            "--input",
            "{\"n\":1}",
            "--server",
            server);
    assertThat(exec.exit()).as(exec.err()).isZero();
    String answer = String.join("\n", exec.out());
    assertThat(answer).contains("\"task\" : \"hello\"").contains("\"n\" : 1");

    Result followed =
        cli(
            "agent-exec-follow",
            "agent",
            "exec",
            "local.echo",
            "hi",
            "--follow",
            "--server",
            server);
    assertThat(followed.exit()).as(followed.err()).isZero();
    String output = String.join("\n", followed.out());
    assertThat(output).contains("step.succeeded       invoke").contains("run.completed");
    assertThat(followed.out().get(followed.out().size() - 1)).contains("}");

    // A role profile: the model's answer is printed as it comes, between the run's events.
    Result review =
        cli(
            "agent-exec-review",
            "agent",
            "exec",
            "reviewer",
            "Review: while (true) { poll(); }",
            "--follow",
            "--server",
            server);
    assertThat(review.exit()).as(review.err()).isZero();
    // The text comes in pieces; an event that arrives between two of them takes a line of its own.
    String streamed =
        review.out().stream()
            .filter(line -> !line.matches("\\s*\\d+\\s+\\d\\d:\\d\\d:.*"))
            .collect(Collectors.joining());
    assertThat(streamed).isEqualTo(REVIEW);
    assertThat(review.out().get(review.out().size() - 1)).contains("run.completed");
    Result answered =
        cli(
            "agent-exec-answer",
            "agent",
            "exec",
            "reviewer",
            "while (true) {}",
            "--server",
            server);
    assertThat(answered.exit()).as(answered.err()).isZero();
    assertThat(answered.out()).containsExactly(REVIEW);

    Result unknown = cli("agent-exec-unknown", "agent", "exec", "nobody", "x", "--server", server);
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).contains("No such agent or capability (404)").contains("nobody");

    Result noTask = cli("agent-exec-empty", "agent", "exec", "echo", "--server", server);
    assertThat(noTask.exit()).isEqualTo(1);
    assertThat(noTask.err()).contains("give a TASK, an --input, or both");

    Result agents = cli("agents", "agents", "--server", server);
    assertThat(agents.exit()).as(agents.err()).isZero();
    assertThat(agents.out().get(0)).contains("CATEGORY").contains("STATUS").contains("PRIORITY");
    assertThat(agents.out())
        .anySatisfy(
            line -> assertThat(line).startsWith("llm").contains("local.llm").contains("reviewer"))
        .anySatisfy(
            line ->
                assertThat(line).startsWith("tool").contains("local.echo").contains("available"));
  }

  @Test
  void executeFollowPrintsTheEventsAndRunShowsTheFinalState() throws Exception {
    Result executed =
        cli(
            "execute",
            "execute",
            "--server",
            server,
            "--intent",
            "code-build-test",
            "--payload",
            "{\"repo\":\"demo\"}",
            "--follow");
    assertThat(executed.exit()).as(executed.err()).isZero();
    String output = String.join("\n", executed.out());
    assertThat(output)
        .contains("run.started")
        .contains("step.succeeded       build")
        .contains("step.succeeded       report")
        .contains("run.completed");
    Matcher started = Pattern.compile("run (\\S+) started").matcher(output);
    assertThat(started.find()).as(output).isTrue();
    String runId = started.group(1);

    Result run = cli("run", "run", runId, "--server", server);
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out().get(0)).contains(runId).contains("completed");
    assertThat(String.join("\n", run.out())).contains("build").contains("test").contains("report");

    Result json = cli("run-json", "run", runId, "--server", server, "--json");
    assertThat(json.exit()).isZero();
    assertThat(String.join("\n", json.out())).contains("\"status\" : \"completed\"");

    Result events = cli("events", "events", runId, "--from", "2", "--server", server);
    assertThat(events.exit()).isZero();
    assertThat(events.out().get(0)).startsWith("   2 ");
    assertThat(events.out().get(events.out().size() - 1)).contains("run.completed");

    Result runs = cli("runs", "runs", "--status", "completed", "--server", server);
    assertThat(String.join("\n", runs.out())).contains(runId);
  }

  @Test
  void followingResumesWhenTheServerClosesAnIdleStream() throws Exception {
    Path plan = logs.resolve("slow-plan.json");
    Files.writeString(
        plan,
        "{\"steps\":[{\"id\":\"slow\",\"kind\":\"agent\",\"capability\":\"slow\"},"
            + "{\"id\":\"after\",\"kind\":\"agent\",\"capability\":\"echo\","
            + "\"dependsOn\":[\"slow\"]}]}");
    Result executed =
        cli("slow", "execute", "--server", server, "--plan", plan.toString(), "--follow");
    assertThat(executed.exit()).as(executed.err()).isZero();
    List<String> events = executed.out().stream().filter(l -> l.matches("\\s*\\d+ .*")).toList();
    // Every event once, in order, although the stream was cut while the slow step ran.
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).strip()).startsWith((i + 1) + " ");
    }
    assertThat(events.get(events.size() - 1)).contains("run.completed");
  }

  @Test
  void followingFromPastTheEndOfAFinishedRunPrintsNothingAndExitsWithItsOutcome() throws Exception {
    RunId runId =
        Await.result(
                lattice
                    .client()
                    .execute(
                        ExecuteRequest.intent(
                            "code-build-test",
                            LatticeJson.mapper().readTree("{\"test\":[\"false\"]}"))))
            .runId();
    RunView failed = Await.result(lattice.client().awaitTerminal(runId));
    assertThat(failed.status()).isEqualTo(RunStatus.FAILED);

    Result resumed =
        cli(
            "past-the-end",
            "events",
            runId.value(),
            "--from",
            Long.toString(failed.lastSeq() + 1),
            "--follow",
            "--server",
            server);

    assertThat(resumed.exit()).as(resumed.err()).isEqualTo(1);
    assertThat(resumed.out()).isEmpty();
    assertThat(resumed.err()).doesNotContain("ended before the run did");
  }

  @Test
  void pauseResumeAndCancelIntervene() throws Exception {
    Path plan = logs.resolve("held-only.json");
    Files.writeString(
        plan, "{\"steps\":[{\"id\":\"held\",\"kind\":\"agent\",\"capability\":\"held\"}]}");
    Result started = cli("start-held", "execute", "--server", server, "--plan", plan.toString());
    assertThat(started.exit()).as(started.err()).isZero();
    Matcher id = Pattern.compile("run (\\S+) started").matcher(String.join("\n", started.out()));
    assertThat(id.find()).isTrue();
    String runId = id.group(1);

    Result paused = cli("pause", "pause", runId, "--server", server, "--reason", "look first");
    assertThat(paused.exit()).as(paused.err()).isZero();
    assertThat(paused.out()).containsExactly("run " + runId + " paused: paused");
    Result resumed = cli("resume", "resume", runId, "--server", server);
    assertThat(resumed.out()).containsExactly("run " + runId + " resumed: running");
    Result cancelled = cli("cancel", "cancel", runId, "--server", server, "--actor", "ops");
    assertThat(cancelled.out())
        .as(cancelled.err())
        .containsExactly("run " + runId + " cancelled: cancelled");

    Result refused = cli("resume-cancelled", "resume", runId, "--server", server);
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err().strip())
        .startsWith("lattice: The run's state does not allow this (409)")
        .contains("cancelled");
  }

  @Test
  void signalAndOverrideCompleteWaitingSteps() throws Exception {
    Path plan = logs.resolve("approvals.json");
    Files.writeString(
        plan,
        "{\"steps\":[{\"id\":\"ok\",\"kind\":\"wait\",\"signal\":\"approve\"},"
            + "{\"id\":\"later\",\"kind\":\"wait\",\"signal\":\"never\"}]}");
    Result started =
        cli("start-approvals", "execute", "--server", server, "--plan", plan.toString());
    assertThat(started.exit()).as(started.err()).isZero();
    Matcher id = Pattern.compile("run (\\S+) started").matcher(String.join("\n", started.out()));
    assertThat(id.find()).isTrue();
    String runId = id.group(1);

    Result wrong = cli("signal-unknown", "signal", runId, "reject", "--server", server);
    assertThat(wrong.exit()).isEqualTo(1);
    assertThat(wrong.err().strip()).contains("no step of this run waits for signal 'reject'");
    Result badData =
        cli("signal-bad-data", "signal", runId, "approve", "--server", server, "--data", "{x");
    assertThat(badData.exit()).isEqualTo(1);
    assertThat(badData.err().strip()).startsWith("lattice: --data is not valid JSON");

    Result signalled =
        cli(
            "signal",
            "signal",
            runId,
            "approve",
            "--server",
            server,
            "--data",
            "{\"approved\":true}",
            "--actor",
            "alice");
    assertThat(signalled.exit()).as(signalled.err()).isZero();
    assertThat(signalled.out()).containsExactly("run " + runId + " got signal 'approve': running");
    Result overridden =
        cli(
            "override",
            "override",
            runId,
            "later",
            "--server",
            server,
            "--output",
            "{\"skipped\":true}",
            "--reason",
            "not needed");
    assertThat(overridden.exit()).as(overridden.err()).isZero();
    assertThat(overridden.out())
        .containsExactly("run " + runId + " step 'later' overridden: completed");

    // The interventions are in the run's audit trail, which verifies once its heads are signed.
    Result audit = cli("audit-interventions", "audit", runId, "--server", server);
    assertThat(audit.out())
        .anySatisfy(line -> assertThat(line).contains("signal approve").contains("by alice"))
        .anySatisfy(line -> assertThat(line).contains("override").contains(": not needed"));
    Await.until(
        () -> {
          try {
            return cli("audit-verify", "audit", "verify", runId, "--server", server).exit() == 0;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        Duration.ofSeconds(30));
    Result verified = cli("audit-verify", "audit", "verify", runId, "--server", server);
    assertThat(verified.out().get(0)).isEqualTo("run:" + runId + ": intact");
    assertThat(verified.out()).anySatisfy(line -> assertThat(line).contains("signed through"));
    Result policy = cli("audit-verify-policy", "audit", "verify", "--policy", "--server", server);
    assertThat(policy.exit()).as(policy.err()).isZero();
    assertThat(policy.out().get(0)).isEqualTo("policy: intact");
  }

  @Test
  void aFailedRunMakesExecuteFollowExitNonZero() throws Exception {
    Result executed =
        cli(
            "failing",
            "execute",
            "--server",
            server,
            "--intent",
            "code-build-test",
            "--payload",
            "{\"test\":[\"false\"]}",
            "--follow");
    assertThat(executed.exit()).isEqualTo(1);
    assertThat(String.join("\n", executed.out())).contains("run.failed");
  }

  @Test
  void auditPrintsTheDecisionsOfARunAndPagesThoseOfABusKey() throws Exception {
    String busKey = "agent/audit-cli/0/default";
    RunId runId = RunId.of("audit-cli-run");
    Instant at = Instant.parse("2026-06-01T12:00:00Z");
    ActorRef<AuditedRecorder.Record> recorder =
        AuditedRecorder.spawn(lattice.system(), "audit-cli");
    Await.result(
        AuditedRecorder.record(
            lattice.system(),
            recorder,
            List.of(
                new AuditEntry(at, busKey, AuditKind.ENQUEUED, runId, "a", 1, null, null, null),
                new AuditEntry(
                    at, busKey, AuditKind.DISPATCHED, runId, "a", 1, "local.cli", null, null),
                new AuditEntry(
                    at,
                    busKey,
                    AuditKind.FAILED,
                    runId,
                    "a",
                    1,
                    "local.cli",
                    "agent_error",
                    null))));

    Result text = cli("audit", "audit", runId.value(), "--server", server);
    assertThat(text.exit()).as(text.err()).isZero();
    assertThat(text.out().get(0)).startsWith("TIME").contains("KIND").contains("AGENT");
    assertThat(text.out().subList(1, text.out().size()))
        .satisfiesExactly(
            line -> assertThat(line).contains("enqueued").contains(" a "),
            line -> assertThat(line).contains("dispatched").contains("local.cli"),
            line -> assertThat(line).contains("failed").contains("agent_error"));

    Result page =
        cli(
            "audit-bus",
            "audit",
            "--bus-key",
            busKey,
            "--limit",
            "2",
            "--json",
            "--server",
            server);
    assertThat(page.exit()).as(page.err()).isZero();
    String json = String.join("\n", page.out());
    assertThat(json).contains("\"kind\" : \"enqueued\"").contains("\"kind\" : \"dispatched\"");
    assertThat(json).doesNotContain("\"failed\"").contains("\"next\"");

    Result neither = cli("audit-neither", "audit", "--server", server);
    assertThat(neither.exit()).isEqualTo(2);
  }

  @Test
  void logsPrintsARunsOwnLogFollowsItToItsEndAndFiltersIt() throws Exception {
    String runId =
        Await.result(
                lattice
                    .client()
                    .execute(
                        LatticeJson.mapper()
                            .readValue(
                                "{\"plan\":{\"steps\":[{\"id\":\"look\",\"capability\":"
                                    + "\"shell\",\"retry\":{\"maxAttempts\":1},\"input\":"
                                    + "{\"command\":[\"ls\",\"no-such-file-here\"]}}]}}",
                                ExecuteRequest.class)))
            .runId()
            .value();

    Result followed = cli("logs-follow", "logs", runId, "--follow", "--server", server);
    assertThat(followed.exit()).as(followed.err()).isEqualTo(1);
    assertThat(followed.out())
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains("INFO  dispatcher")
                    .contains("look#1")
                    .contains("dispatched to local.shell"))
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains("WARN  local.shell")
                    .contains("look#1")
                    .contains("no-such-file-here"));
    assertThat(followed.out().get(followed.out().size() - 1))
        .contains("ERROR run")
        .contains("run failed: step look failed after 1 attempt");

    Result errors =
        cli("logs-errors", "logs", runId, "--level", "error", "--json", "--server", server);
    assertThat(errors.exit()).as(errors.err()).isZero();
    assertThat(errors.out())
        .singleElement()
        .satisfies(
            line -> {
              JsonNode entry = LatticeJson.mapper().readTree(line);
              assertThat(entry.path("level").asText()).isEqualTo("error");
              assertThat(entry.path("source").asText()).isEqualTo("run");
            });
  }

  @Test
  void stateShowsTheMembersAndTheShardsEachHosts() throws Exception {
    Result state = cli("state", "state", "--server", server);
    assertThat(state.exit()).isEqualTo(0);
    String address = lattice.address();
    assertThat(state.out()).contains("members:", "shards:");
    assertThat(state.out())
        .anyMatch(
            line ->
                line.startsWith("  " + address)
                    && line.contains(" local ")
                    && line.contains(" orchestrator,worker ")
                    && line.contains(" up ")
                    && line.endsWith("leader, this node"));
    assertThat(state.out()).anyMatch(line -> line.matches("  dispatchers +local +[0-9]+ +[0-9]+"));
  }

  @Test
  void sessionsShowPrintsASessionsMessagesAndForgetForgetsIt() throws Exception {
    RunId runId =
        Await.result(
                lattice
                    .client()
                    .execute(
                        ExecuteRequest.plan(
                            Plans.plan(
                                "{'steps': [{'id': 'chat', 'capability': 'llm', 'input':"
                                    + " {'model': 'scripted-model', 'session': 'cli-user',"
                                    + " 'prompt': 'Remember: I like blue.'}}]}"),
                            Plans.json("{}"))))
            .runId();
    assertThat(Await.result(lattice.client().awaitTerminal(runId)).status())
        .isEqualTo(RunStatus.COMPLETED);

    Result shown = cli("sessions-show", "sessions", "show", "cli-user", "--server", server);
    assertThat(shown.exit()).as(shown.err()).isZero();
    assertThat(shown.out().get(0))
        .isEqualTo("session cli-user  tenant default  policy window, 40 messages");
    assertThat(shown.out())
        .contains("    0  user       Remember: I like blue.", "    1  assistant  Noted: blue.");

    Result forgotten = cli("sessions-forget", "sessions", "forget", "cli-user", "--server", server);
    assertThat(forgotten.exit()).as(forgotten.err()).isZero();
    assertThat(forgotten.out()).containsExactly("session cli-user forgotten");
    Result gone =
        cli(
            "sessions-gone",
            "sessions",
            "show",
            "cli-user",
            "--tenant",
            "default",
            "--server",
            server);
    assertThat(gone.exit()).isEqualTo(1);
    assertThat(gone.err().strip()).startsWith("lattice: No such session (404)");
  }

  @Test
  void refusalsAndAnUnreachableServerAreOneLineErrors() throws Exception {
    Result unknown = cli("unknown", "run", "no-such-run", "--server", server);
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err().strip()).startsWith("lattice: No such run (404)").doesNotContain("\n");

    Result badPlan = cli("bad-plan", "plan", "--intent", "nope", "--server", server);
    assertThat(badPlan.exit()).isEqualTo(1);
    assertThat(badPlan.err()).contains("unknown intent 'nope'").contains("[field: intent]");

    Result down = cli("down", "state", "--server", "http://127.0.0.1:" + FreePorts.next());
    assertThat(down.exit()).isEqualTo(3);
    assertThat(down.err().strip())
        .startsWith("lattice: cannot reach the Lattice server")
        .doesNotContain("\n");
  }
}
