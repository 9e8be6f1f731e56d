package dev.lattice.orchestrator.node;

import dev.lattice.persistence.query.UnknownRunException;
import dev.lattice.protocol.api.ApprovalQuery;
import dev.lattice.protocol.api.PendingApproval;
import dev.lattice.protocol.api.PendingApprovals;
import dev.lattice.protocol.api.RunQuery;
import dev.lattice.protocol.api.RunSummary;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.plan.StepKind;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepStatus;
import dev.lattice.protocol.run.StepView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Finds the steps that wait for a signal across runs ({@link LatticeClient#approvals}): the newest
 * running runs, then paused ones, at most {@link ApprovalQuery#maxRuns()} in all, each read for its
 * state, a few at a time. No index holds waiting steps: a run's state is read from its journal, so
 * the cost grows with the unfinished runs looked at, which the query bounds; and what was found is
 * reused for the same query for {@code lattice.http.approvals.cache-for}, however many ask.
 */
final class PendingApprovalScan {
  /** Runs read at once: enough to hide the journal's latency, few enough to leave it to others. */
  private static final int PARALLEL_READS = 8;

  private final LatticeClient client;
  private final Executor executor;
  private final Duration reuseFor;
  private final Clock clock;

  /** A look, whole or under way, and when it began. */
  private record Look(CompletableFuture<PendingApprovals> found, Instant at) {}

  private final ConcurrentHashMap<ApprovalQuery, Look> recent = new ConcurrentHashMap<>();

  PendingApprovalScan(LatticeClient client, Executor executor, Duration reuseFor, Clock clock) {
    this.client = client;
    this.executor = executor;
    this.reuseFor = reuseFor;
    this.clock = clock;
  }

  /** The waiting steps {@code query} asks for: found lately for the same query, or looked for. */
  CompletionStage<PendingApprovals> find(ApprovalQuery query) {
    Instant now = clock.instant();
    Look look =
        recent.compute(
            query,
            (q, last) ->
                last != null
                        && !last.found().isCompletedExceptionally()
                        && now.isBefore(last.at().plus(reuseFor))
                    ? last
                    : new Look(look(q).toCompletableFuture(), now));
    // Only the latest query of each kind is held; the kinds are few (each tenant, and all).
    recent.values().removeIf(other -> !now.isBefore(other.at().plus(reuseFor)));
    return look.found();
  }

  private CompletionStage<PendingApprovals> look(ApprovalQuery query) {
    int max = query.maxRuns();
    return client
        .runs(new RunQuery(RunStatus.RUNNING, query.tenant(), null, max))
        .thenComposeAsync(
            running -> {
              int left = max - running.runs().size();
              if (left == 0) {
                return read(running.runs(), 0, new ArrayList<>(), running.next() != null);
              }
              return client
                  .runs(new RunQuery(RunStatus.PAUSED, query.tenant(), null, left))
                  .thenComposeAsync(
                      paused ->
                          read(
                              concat(running.runs(), paused.runs()),
                              0,
                              new ArrayList<>(),
                              paused.next() != null),
                      executor);
            },
            executor);
  }

  /** Reads {@code runs} from {@code from} on, {@link #PARALLEL_READS} at a time. */
  private CompletionStage<PendingApprovals> read(
      List<RunSummary> runs, int from, List<PendingApproval> found, boolean more) {
    if (from >= runs.size()) {
      return CompletableFuture.completedFuture(new PendingApprovals(found, runs.size(), !more));
    }
    List<CompletableFuture<Optional<RunView>>> batch = new ArrayList<>();
    for (int i = from; i < Math.min(runs.size(), from + PARALLEL_READS); i++) {
      batch.add(view(RunId.of(runs.get(i).runId())));
    }
    return CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new))
        .thenComposeAsync(
            done -> {
              batch.forEach(view -> view.join().ifPresent(run -> found.addAll(waiting(run))));
              return read(runs, from + PARALLEL_READS, found, more);
            },
            executor);
  }

  /** A run's state; empty for one gone meanwhile (retention deleted it). */
  private CompletableFuture<Optional<RunView>> view(RunId runId) {
    return client
        .run(runId)
        .handleAsync(
            (view, failure) -> {
              if (failure == null) {
                return Optional.of(view);
              }
              if (Failures.cause(failure) instanceof UnknownRunException) {
                return Optional.<RunView>empty();
              }
              throw new IllegalStateException(Failures.cause(failure));
            },
            executor)
        .toCompletableFuture();
  }

  /** The steps of {@code run} that wait for a signal. */
  static List<PendingApproval> waiting(RunView run) {
    List<PendingApproval> waiting = new ArrayList<>();
    for (StepView step : run.steps()) {
      if (step.status() != StepStatus.WAITING) {
        continue;
      }
      String signal = step.kind() == StepKind.PLAN ? PendingApproval.PLAN_APPROVAL : step.signal();
      if (signal != null) {
        waiting.add(
            new PendingApproval(
                run.runId(),
                run.tenant(),
                run.status(),
                step.id(),
                step.kind(),
                signal,
                step.waitUntil(),
                run.updatedAt()));
      }
    }
    return waiting;
  }

  private static List<RunSummary> concat(List<RunSummary> a, List<RunSummary> b) {
    List<RunSummary> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
