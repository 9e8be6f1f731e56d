package dev.lattice.orchestrator.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.agent.AgentReply;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DispatcherMessagesTest {

  /**
   * The dispatcher registers one message adapter per kind of agent reply and widens their shared
   * reference to every reply: a kind added to the protocol without a message here would go
   * unhandled.
   */
  @Test
  void everyKindOfAgentReplyHasAMessageOfItsOwn() {
    Set<Class<?>> wrapped =
        Arrays.stream(Dispatcher.class.getDeclaredClasses())
            .filter(type -> Dispatcher.Command.class.isAssignableFrom(type) && type.isRecord())
            .flatMap(type -> Arrays.stream(type.getRecordComponents()))
            .map(RecordComponent::getType)
            .collect(Collectors.toSet());

    assertThat(wrapped).contains(AgentReply.class.getPermittedSubclasses());
  }
}
