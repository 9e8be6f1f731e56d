package dev.lattice.orchestrator.run.core;

import com.typesafe.config.Config;
import dev.lattice.orchestrator.plan.ChildRunLimits;
import dev.lattice.orchestrator.plan.SubPlanLimits;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.json.PayloadLimits;
import dev.lattice.protocol.plan.RetryPolicy;
import dev.lattice.protocol.redact.Redactor;
import java.time.Duration;

/**
 * The {@code lattice.run} settings.
 *
 * @param defaultRetry the retry policy where plan and step say nothing
 * @param defaultTtl how long an agent step's attempt may run when the step sets no start-to-close
 *     timeout
 * @param dispatcherShards dispatcher shards per capability and tenant
 * @param transformTimeout the longest a transform expression may evaluate
 * @param transformMaxDepth the deepest a transform expression may recurse
 * @param redeliverInterval how often a dispatched attempt nobody has picked up is re-sent
 * @param passivateAfterTerminal how long a finished run stays in memory for late questions
 * @param snapshotEvery a run snapshots its state after this many events
 * @param startedRecordDelay how long an agent's start may wait to be recorded with its result
 * @param watchdogInitialDelay when the watchdog first sweeps after start-up
 * @param watchdogInterval the time between sweeps
 * @param watchdogPageSize runs woken per page
 * @param watchdogPageDelay the pause between pages
 * @param batchDelay how long a result that unblocks nothing may wait to share a write
 * @param agentLostGrace how much longer than an attempt's time limit the run waits for its agent's
 *     report before it times the attempt out itself
 * @param timerHorizon the longest delay a run arms a timer with; a deadline further away is reached
 *     by arming again each time the timer fires before it
 * @param payloadLimits how deep and large a step's resolved input or a transform's output may be
 * @param toolLoop the bounds of tool loops whose steps set none
 * @param subPlan the bounds of map and loop steps
 * @param child the bounds of run steps and their child runs
 * @param redaction what every event loses before the run applies and writes it ({@code
 *     lattice.redaction})
 */
public record RunSettings(
    RetryPolicy defaultRetry,
    Duration defaultTtl,
    int dispatcherShards,
    Duration transformTimeout,
    int transformMaxDepth,
    Duration redeliverInterval,
    Duration passivateAfterTerminal,
    int snapshotEvery,
    Duration startedRecordDelay,
    Duration watchdogInitialDelay,
    Duration watchdogInterval,
    int watchdogPageSize,
    Duration watchdogPageDelay,
    Duration batchDelay,
    Duration agentLostGrace,
    Duration timerHorizon,
    PayloadLimits payloadLimits,
    ToolLoopSettings toolLoop,
    SubPlanLimits subPlan,
    ChildRunLimits child,
    Redactor redaction) {

  public static RunSettings create(Config config) {
    Config c = config.getConfig("lattice.run");
    Config retry = c.getConfig("default-retry");
    return new RunSettings(
        new RetryPolicy(
            retry.getInt("max-attempts"),
            retry.getDuration("initial-backoff").toMillis(),
            retry.getDuration("max-backoff").toMillis(),
            retry.getDouble("multiplier"),
            retry.getDouble("jitter"),
            retry.getStringList("non-retryable").stream().map(ErrorClass::fromWire).toList()),
        c.getDuration("default-ttl"),
        c.getInt("dispatcher-shards"),
        c.getDuration("transform.timeout"),
        c.getInt("transform.max-depth"),
        c.getDuration("redeliver-interval"),
        c.getDuration("passivate-after-terminal"),
        c.getInt("snapshot-every"),
        c.getDuration("started-record-delay"),
        c.getDuration("watchdog.initial-delay"),
        c.getDuration("watchdog.interval"),
        c.getInt("watchdog.page-size"),
        c.getDuration("watchdog.page-delay"),
        c.getDuration("batch-delay"),
        c.getDuration("agent-lost-grace"),
        c.getDuration("timer-horizon"),
        PayloadLimits.fromConfig(config),
        ToolLoopSettings.create(c.getConfig("tool-loop")),
        SubPlanLimits.create(config),
        ChildRunLimits.create(config),
        Redactor.fromConfig(config));
  }
}
