package dev.lattice.orchestrator.dispatch;

import dev.lattice.orchestrator.directory.AgentDirectory;
import dev.lattice.orchestrator.guard.Guardrails;
import dev.lattice.orchestrator.ratelimit.RateLimitServices;
import dev.lattice.orchestrator.runlog.RunLogSink;
import dev.lattice.orchestrator.tenant.TenantLedgers;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What every dispatcher of a node works with, whatever its bus key.
 *
 * @param settings the {@code lattice.dispatch} settings
 * @param directory the node's agent directory, which tells dispatchers of agents coming and going
 * @param runs where results and progress go back to their runs
 * @param policy the policies every assignment passes before it queues
 * @param ledgers the tenants' budget ledgers
 * @param localNode this node's name, so that agents on it are preferred when otherwise equal
 * @param clock the time of queue waits, audit entries and breaker cool-downs
 * @param rateLimits the model providers' rate limits, kept to before dispatch
 * @param guardrails the checks on what model calls and tool loops' calls send and get back
 * @param runLogs where what agents wrote while they ran an attempt goes, to its run's log
 */
public record DispatchServices(
    DispatchSettings settings,
    ActorRef<AgentDirectory.Command> directory,
    RunNotifier runs,
    DispatchPolicy policy,
    TenantLedgers ledgers,
    String localNode,
    Clock clock,
    RateLimitServices rateLimits,
    Guardrails guardrails,
    RunLogSink runLogs) {

  /** Services of dispatchers that keep no runs' logs. */
  public DispatchServices(
      DispatchSettings settings,
      ActorRef<AgentDirectory.Command> directory,
      RunNotifier runs,
      DispatchPolicy policy,
      TenantLedgers ledgers,
      String localNode,
      Clock clock,
      RateLimitServices rateLimits,
      Guardrails guardrails) {
    this(
        settings,
        directory,
        runs,
        policy,
        ledgers,
        localNode,
        clock,
        rateLimits,
        guardrails,
        RunLogSink.NONE);
  }
}
