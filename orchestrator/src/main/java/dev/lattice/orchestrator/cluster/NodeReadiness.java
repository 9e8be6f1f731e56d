package dev.lattice.orchestrator.cluster;

import dev.lattice.persistence.journal.JournalProbe;
import dev.lattice.protocol.api.Readiness;
import dev.lattice.protocol.api.ReadinessCheck;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ClusterSharding;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.pattern.Patterns;

/**
 * Whether this node is ready to take work, in three checks:
 *
 * <ul>
 *   <li>{@code cluster}: this node is an up member of its cluster;
 *   <li>{@code sharding}: for each sharded entity type, this node's shard region is registered with
 *       the type's coordinator (a node with the type's role can host its shards; a node without it
 *       can route to a member that does);
 *   <li>{@code journal}: the journal's database answers a query.
 * </ul>
 *
 * <p>Nothing blocks an actor: the shard regions are asked, and the journal query runs on the
 * dispatcher for blocking work; every wait is bounded by {@code lattice.cluster.ready}. Callers at
 * the same time share one check, and its answer is reused for {@code cache-for}, so however many
 * probes arrive the node checks at most once per interval. A new journal query starts only once the
 * previous one has returned, so a database that hangs holds one thread, not one per probe.
 */
public final class NodeReadiness {
  private final ActorSystem<?> system;
  private final List<ShardedType> types;
  private final JournalProbe journal;
  private final Executor blocking;
  private final ClusterSettings settings;
  private final Executor executor;
  private final AtomicReference<Check> latest = new AtomicReference<>();
  private final AtomicReference<CompletableFuture<Void>> journalQuery =
      new AtomicReference<>(CompletableFuture.completedFuture(null));

  /** A check in progress or done, and when it started. */
  private record Check(CompletableFuture<Readiness> answer, long startedNanos) {}

  /**
   * @param types the sharded entity types of the node
   * @param journal the query on the journal's database
   * @param blocking where the journal query runs (a dispatcher for blocking work)
   */
  public NodeReadiness(
      ActorSystem<?> system,
      List<ShardedType> types,
      JournalProbe journal,
      Executor blocking,
      ClusterSettings settings) {
    this.system = system;
    this.types = List.copyOf(types);
    this.journal = journal;
    this.blocking = blocking;
    this.settings = settings;
    this.executor = system.executionContext();
  }

  /** The node's readiness: a check that is in progress or recent enough, or a new one. */
  public CompletionStage<Readiness> check() {
    long now = System.nanoTime();
    Check last = latest.get();
    if (last != null
        && (!last.answer().isDone()
            || now - last.startedNanos() < settings.readyCacheFor().toNanos())) {
      return last.answer();
    }
    Check next = new Check(new CompletableFuture<>(), now);
    if (!latest.compareAndSet(last, next)) {
      // Another caller started one just now: share it.
      return latest.get().answer();
    }
    ReadinessCheck cluster = cluster();
    sharding()
        .thenCombineAsync(journal(), (s, j) -> new Readiness(List.of(cluster, s, j)), executor)
        .whenComplete(
            (readiness, failure) -> {
              if (failure == null) {
                next.answer().complete(readiness);
              } else {
                next.answer().completeExceptionally(failure);
              }
            });
    return next.answer();
  }

  private ReadinessCheck cluster() {
    MemberStatus status = Cluster.get(system).selfMember().status();
    return status == MemberStatus.up()
        ? new ReadinessCheck("cluster", true, "this node is up")
        : new ReadinessCheck(
            "cluster", false, "this node is " + ClusterMembers.status(status).wire() + ", not up");
  }

  private CompletableFuture<ReadinessCheck> sharding() {
    Member self = Cluster.get(system).selfMember();
    List<CompletableFuture<String>> problems = new ArrayList<>();
    for (ShardedType type : types) {
      problems.add(shardingProblem(type, self));
    }
    return CompletableFuture.allOf(problems.toArray(CompletableFuture[]::new))
        .thenApplyAsync(
            done -> {
              List<String> found =
                  problems.stream().map(CompletableFuture::join).filter(Objects::nonNull).toList();
              return found.isEmpty()
                  ? new ReadinessCheck(
                      "sharding", true, "the shard regions of " + typeNames() + " are registered")
                  : new ReadinessCheck("sharding", false, String.join("; ", found));
            },
            executor);
  }

  /** What keeps this node's region of {@code type} from working, or null when nothing does. */
  private CompletableFuture<String> shardingProblem(ShardedType type, Member self) {
    ActorRef region;
    try {
      region = ClusterSharding.get(system.classicSystem()).shardRegion(type.entityType());
    } catch (IllegalArgumentException notStarted) {
      return CompletableFuture.completedFuture(type.type() + ": no shard region on this node");
    }
    boolean hosts = self.hasRole(type.role());
    // The region forwards this to its coordinator, or answers "none" while it has no coordinator.
    return Patterns.ask(region, ShardRegion.getCurrentRegionsInstance(), settings.shardingTimeout())
        .handleAsync(
            (reply, failure) -> {
              if (!(reply instanceof ShardRegion.CurrentRegions regions)) {
                return type.type()
                    + ": no answer from its shard coordinator within "
                    + text(settings.shardingTimeout());
              }
              if (hosts && !regions.getRegions().contains(self.address())) {
                return type.type() + ": this node's region is not registered with the coordinator";
              }
              if (!hosts && regions.getRegions().isEmpty()) {
                return type.type() + ": no member hosts its shards";
              }
              return null;
            },
            executor)
        .toCompletableFuture();
  }

  private CompletableFuture<ReadinessCheck> journal() {
    CompletableFuture<Void> previous = journalQuery.get();
    if (!previous.isDone()) {
      return CompletableFuture.completedFuture(
          new ReadinessCheck(
              "journal", false, "the journal has not answered the previous check yet"));
    }
    CompletableFuture<Void> query = new CompletableFuture<>();
    if (!journalQuery.compareAndSet(previous, query)) {
      return CompletableFuture.completedFuture(
          new ReadinessCheck("journal", false, "the journal is being checked by another request"));
    }
    try {
      blocking.execute(() -> runQuery(query));
    } catch (RuntimeException rejected) {
      query.completeExceptionally(rejected);
    }
    Duration timeout = settings.journalTimeout();
    return query
        .copy()
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handleAsync(
            (ok, failure) -> {
              if (failure == null) {
                return new ReadinessCheck("journal", true, "the journal answered");
              }
              Throwable cause = failure;
              while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
              }
              return new ReadinessCheck(
                  "journal",
                  false,
                  cause instanceof TimeoutException
                      ? "the journal did not answer within " + text(timeout)
                      : "the journal query failed: " + firstLine(cause));
            },
            executor);
  }

  private void runQuery(CompletableFuture<Void> query) {
    try {
      journal.check();
      query.complete(null);
    } catch (SQLException | RuntimeException e) {
      query.completeExceptionally(e);
    }
  }

  private String typeNames() {
    return String.join(", ", types.stream().map(ShardedType::type).toList());
  }

  private static String firstLine(Throwable t) {
    String message = t.getMessage() == null ? t.toString() : t.getMessage();
    return message.lines().findFirst().orElse(message);
  }

  /** A duration as people write it: {@code 1s}, {@code 500ms}. */
  static String text(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
