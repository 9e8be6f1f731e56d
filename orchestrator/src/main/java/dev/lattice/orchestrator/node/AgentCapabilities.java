package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.directory.AgentDirectory;
import dev.lattice.orchestrator.plan.PlanRejectedException;
import dev.lattice.protocol.agent.ToolSpec;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The capabilities the agents of the cluster offer, as this node's agent directory last told it:
 * the client plans against them without a round trip to the directory on every call. It subscribes
 * once; the directory sends the agents at once and after every change, so an agent that registers
 * later is seen without a restart.
 *
 * <p>Until the first listing arrives, and whenever a plan is refused against the listing held, the
 * directory is asked: the listing trails the directory by a message, and a plan must not be refused
 * because an agent the directory already knows was not heard of yet. Should the directory stop, the
 * listing is dropped and every call asks it, as before the subscription.
 *
 * <p>Thread-safe: the node's client calls it from any thread.
 */
final class AgentCapabilities {
  private final ActorSystem<?> system;
  private final ActorRef<AgentDirectory.Command> directory;
  private final Duration askTimeout;
  private final Executor executor;
  // The capabilities of the latest listing, or null while there is none.
  private final AtomicReference<Set<String>> listed = new AtomicReference<>();
  // How the latest listing describes the capabilities that can be tools (empty before one).
  private final AtomicReference<Map<String, ToolSpec>> described = new AtomicReference<>(Map.of());

  private AgentCapabilities(
      ActorSystem<?> system,
      ActorRef<AgentDirectory.Command> directory,
      Duration askTimeout,
      Executor executor) {
    this.system = system;
    this.directory = directory;
    this.askTimeout = askTimeout;
    this.executor = executor;
  }

  /**
   * Subscribes to {@code directory}, asking it with {@code askTimeout} while there is no listing
   * and completing on {@code executor}.
   */
  static AgentCapabilities subscribe(
      ActorSystem<?> system,
      ActorRef<AgentDirectory.Command> directory,
      Duration askTimeout,
      Executor executor) {
    AgentCapabilities capabilities = new AgentCapabilities(system, directory, askTimeout, executor);
    system.systemActorOf(capabilities.listener(), "agent-capabilities", Props.empty());
    return capabilities;
  }

  /**
   * {@code use} applied to the capabilities offered now. A {@link PlanRejectedException} from it is
   * checked against a fresh answer of the directory: when that differs from the listing held,
   * {@code use} is applied to it instead.
   */
  <T> CompletionStage<T> apply(Function<Set<String>, T> use) {
    Set<String> known = listed.get();
    if (known == null) {
      return asked().thenApplyAsync(use, executor);
    }
    try {
      return CompletableFuture.completedFuture(use.apply(known));
    } catch (PlanRejectedException rejected) {
      return asked()
          .thenApplyAsync(
              fresh -> {
                if (fresh.equals(known)) {
                  throw rejected;
                }
                return use.apply(fresh);
              },
              executor);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** How the latest listing describes the capabilities that can be tools, by capability. */
  Map<String, ToolSpec> described() {
    return described.get();
  }

  /** The capabilities of the latest listing, if one has arrived. */
  Optional<Set<String>> listing() {
    return Optional.ofNullable(listed.get());
  }

  private CompletionStage<Set<String>> asked() {
    return AskPattern.ask(directory, AgentDirectory.GetAgents::new, askTimeout, system.scheduler())
        .thenApply(AgentDirectory.Agents::capabilities);
  }

  private Behavior<AgentDirectory.Agents> listener() {
    return Behaviors.setup(
        context -> {
          context.watch(directory);
          directory.tell(new AgentDirectory.Subscribe(context.getSelf()));
          return Behaviors.receive(AgentDirectory.Agents.class)
              .onMessage(
                  AgentDirectory.Agents.class,
                  agents -> {
                    described.set(Map.copyOf(agents.tools()));
                    listed.set(Set.copyOf(agents.capabilities()));
                    return Behaviors.same();
                  })
              .onSignal(
                  Terminated.class,
                  gone -> {
                    listed.set(null);
                    return Behaviors.stopped();
                  })
              .build();
        });
  }
}
