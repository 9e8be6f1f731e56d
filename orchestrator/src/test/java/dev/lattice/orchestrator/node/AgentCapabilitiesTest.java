package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.orchestrator.directory.AgentDirectory;
import dev.lattice.orchestrator.directory.AgentEntry;
import dev.lattice.orchestrator.plan.PlanRejectedException;
import dev.lattice.protocol.agent.AgentCommand;
import dev.lattice.protocol.agent.AgentManifest;
import dev.lattice.protocol.ids.AgentId;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client plans against the capabilities of one subscription to the agent directory, asking the
 * directory only while it has no listing or when a plan is refused against the listing it holds.
 */
class AgentCapabilitiesTest {
  private ActorTestKit testKit;
  private TestProbe<AgentDirectory.Command> directory;
  private AgentCapabilities capabilities;
  private ActorRef<AgentDirectory.Agents> subscriber;

  @BeforeEach
  void subscribe() {
    // A system of its own per test: the listener has one name per system.
    testKit = ActorTestKit.create();
    directory = testKit.createTestProbe(AgentDirectory.Command.class);
    capabilities =
        AgentCapabilities.subscribe(
            testKit.system(), directory.ref(), Duration.ofSeconds(3), Runnable::run);
    subscriber = directory.expectMessageClass(AgentDirectory.Subscribe.class).subscriber();
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void asksTheDirectoryUntilTheFirstListingArrives() {
    CompletionStage<Set<String>> offered = capabilities.apply(Function.identity());

    answer(directory.expectMessageClass(AgentDirectory.GetAgents.class), "echo");
    assertThat(offered.toCompletableFuture().join()).containsExactly("echo");
  }

  @Test
  void usesTheListingWithoutAskingAndSeesAgentsThatRegisterLater() {
    subscriber.tell(agents("echo"));
    awaitOffered(Set.of("echo"));

    subscriber.tell(agents("echo", "summarize"));
    awaitOffered(Set.of("echo", "summarize"));
    directory.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aRefusalIsCheckedAgainstAFreshAnswer() {
    subscriber.tell(agents("echo"));
    awaitOffered(Set.of("echo"));

    CompletionStage<String> planned = capabilities.apply(AgentCapabilitiesTest::needsSummarize);
    answer(directory.expectMessageClass(AgentDirectory.GetAgents.class), "echo", "summarize");
    assertThat(planned.toCompletableFuture().join()).isEqualTo("planned");

    CompletionStage<String> refused = capabilities.apply(AgentCapabilitiesTest::needsSummarize);
    answer(directory.expectMessageClass(AgentDirectory.GetAgents.class), "echo");
    assertThatThrownBy(() -> refused.toCompletableFuture().join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(PlanRejectedException.class);
  }

  private static String needsSummarize(Set<String> offered) {
    if (!offered.contains("summarize")) {
      throw new PlanRejectedException("plan", "no agent offers 'summarize'");
    }
    return "planned";
  }

  private void awaitOffered(Set<String> expected) {
    directory.awaitAssert(
        () -> {
          assertThat(capabilities.listing()).contains(expected);
          return null;
        });
    assertThat(capabilities.apply(Function.identity()).toCompletableFuture().join())
        .isEqualTo(expected);
  }

  private void answer(AgentDirectory.GetAgents get, String... capabilities) {
    get.replyTo().tell(agents(capabilities));
  }

  private AgentDirectory.Agents agents(String... capabilities) {
    ActorRef<AgentCommand> ref = testKit.<AgentCommand>createTestProbe().ref();
    return new AgentDirectory.Agents(
        List.of(
            new AgentEntry(
                new AgentManifest(
                    AgentId.of("n.agent"), Set.of(capabilities), Set.of(), 4, 0, "node"),
                ref)));
  }
}
