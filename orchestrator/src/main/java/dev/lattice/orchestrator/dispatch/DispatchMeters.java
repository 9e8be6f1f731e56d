package dev.lattice.orchestrator.dispatch;

import dev.lattice.persistence.metrics.NodeMeters;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.audit.AuditKind;
import dev.lattice.protocol.ids.BusKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * One dispatcher's meters, published with the node's ({@code GET /metrics}): how long attempts
 * waited in its queue, what it decided, how long attempts ran on which agent, and the tokens and
 * cost of model calls by tenant, provider and model. Labels are bounded by configuration (bus keys,
 * capabilities, agents, providers, models, tenants), never by runs.
 */
final class DispatchMeters {
  private static final String UNKNOWN = "unknown";

  private final NodeMeters meters;
  private final MeterRegistry registry;
  private final BusKey busKey;
  private final Timer queueWait;

  DispatchMeters(NodeMeters meters, BusKey busKey) {
    this.meters = meters;
    this.registry = meters.registry();
    this.busKey = busKey;
    this.queueWait =
        meters
            .durations(
                "lattice.queue.wait",
                "How long attempts waited in a dispatcher's queue until an agent took them")
            .tag("bus_key", busKey.value())
            .register(registry);
  }

  /** An attempt waited {@code wait} in the queue until an agent took it. */
  void waited(Duration wait) {
    queueWait.record(wait.isNegative() ? Duration.ZERO : wait);
  }

  /** The dispatcher decided {@code kind} about an attempt (one audit entry). */
  void decided(AuditKind kind) {
    Counter.builder("lattice.dispatch.decisions")
        .description("Dispatcher decisions, by kind (the audit trail's kinds)")
        .tag("kind", kind.wire())
        .tag("capability", busKey.role())
        .register(registry)
        .increment();
  }

  /** An attempt ran {@code duration} on {@code agent} and ended with {@code outcome}. */
  void ran(String agent, String outcome, Duration duration) {
    meters
        .durations(
            "lattice.step.duration",
            "How long step attempts ran on an agent, from its acceptance to its result")
        .tag("capability", busKey.role())
        .tag("agent", agent == null ? UNKNOWN : agent)
        .tag("outcome", outcome)
        .register(registry)
        .record(duration.isNegative() ? Duration.ZERO : duration);
  }

  /** A model call of the tenant, through {@code provider}, used {@code usage}. */
  void used(String provider, Usage usage) {
    if (usage.model() == null) {
      return;
    }
    String tenant = busKey.tenant().value();
    String from = provider == null ? UNKNOWN : provider;
    tokens(tenant, from, usage.model(), "prompt", usage.promptTokens());
    tokens(tenant, from, usage.model(), "completion", usage.completionTokens());
    tokens(tenant, from, usage.model(), "cached", usage.cachedTokens());
    tokens(tenant, from, usage.model(), "reasoning", usage.reasoningTokens());
    Counter.builder("lattice.llm.cost")
        .description("The cost of model calls from the price table")
        .baseUnit("usd")
        .tag("tenant", tenant)
        .tag("provider", from)
        .tag("model", usage.model())
        .register(registry)
        .increment(usage.costUsd().doubleValue());
  }

  private void tokens(String tenant, String provider, String model, String type, long count) {
    Counter.builder("lattice.llm.tokens")
        .description("Tokens of model calls as the provider reported them, by type")
        .tag("tenant", tenant)
        .tag("provider", provider)
        .tag("model", model)
        .tag("type", type)
        .register(registry)
        .increment(count);
  }

  /** An attempt began to wait for a provider model's rate limit. */
  void rateLimited(String provider, String model) {
    Counter.builder("lattice.provider.rate.limit.waits")
        .description("Attempts held in their queue by a provider model's rate limit")
        .tag("provider", provider)
        .tag("model", model)
        .register(registry)
        .increment();
  }
}
