package dev.lattice.orchestrator.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.api.Invocation;
import dev.lattice.protocol.api.InvokeResult;
import dev.lattice.protocol.run.RunEventType;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepView;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Waits, within a bound, for an invocation's run to end, following its events (pushed as they are
 * persisted, no polling), then reads the run's state for the step's result.
 */
final class InvokeWaiter {
  private final LatticeClient client;
  private final ActorSystem<?> system;
  private final Duration wait;
  private final Executor executor;

  InvokeWaiter(LatticeClient client, ActorSystem<?> system, Duration wait) {
    this.client = client;
    this.system = system;
    this.wait = wait;
    this.executor = system.executionContext();
  }

  /** The invocation's result once its run has ended, or its state when the wait has passed. */
  CompletionStage<InvokeResult> result(Invocation invocation) {
    return client
        .events(invocation.runId(), 1)
        .filter(event -> RunEventType.isTerminal(event.type()))
        .takeWithin(wait)
        .runWith(Sink.headOption(), system)
        .thenComposeAsync(ended -> client.run(invocation.runId()), executor)
        .thenApplyAsync(run -> result(invocation, run), executor);
  }

  private static InvokeResult result(Invocation invocation, RunView run) {
    StepView step =
        run.steps().stream()
            .filter(s -> s.id().equals(invocation.stepId()))
            .findFirst()
            .orElse(null);
    JsonNode output = step == null ? null : step.output();
    JsonNode text = output == null ? null : output.get("text");
    return new InvokeResult(
        run.runId(),
        invocation.capability(),
        step == null ? null : step.agentId(),
        run.status(),
        output,
        text != null && text.isTextual() ? text.asText() : null,
        step == null ? run.usage() : step.usage(),
        run.cause());
  }
}
