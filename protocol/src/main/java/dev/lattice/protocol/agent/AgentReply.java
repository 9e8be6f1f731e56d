package dev.lattice.protocol.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.log.LogLine;
import java.util.List;

/** What a worker agent tells whoever sent it an assignment. */
public sealed interface AgentReply extends CborSerializable {
  /** The assignment concerned; none for a {@link Vacancy}. */
  String idempotencyKey();

  AgentId agentId();

  /**
   * Slots taken on the agent after this reply, as its receiver sees them: assignments in flight
   * plus slots held for others in line.
   */
  int load();

  /**
   * A slot is held for the receiver, which the agent turned away as busy before: take it with an
   * {@link AgentCommand.Assign} or give it back with an {@link AgentCommand.Release}.
   */
  record Vacancy(AgentId agentId, int load) implements AgentReply {
    @Override
    public String idempotencyKey() {
      return null;
    }
  }

  /** The agent took the assignment and is running it. */
  record Accepted(String idempotencyKey, AgentId agentId, int load) implements AgentReply {}

  /**
   * The agent will not run the assignment; send it elsewhere or later.
   *
   * @param reason why, for people
   * @param breaker set when an open circuit breaker refused it
   */
  record Rejected(
      String idempotencyKey, AgentId agentId, String reason, int load, BreakerOpen breaker)
      implements AgentReply {

    /** A rejection for another reason than a breaker (busy, not served). */
    public Rejected(String idempotencyKey, AgentId agentId, String reason, int load) {
      this(idempotencyKey, agentId, reason, load, null);
    }
  }

  /** The action running the assignment sent a heartbeat. */
  record Alive(String idempotencyKey, AgentId agentId, int load) implements AgentReply {}

  /**
   * The assignment's result, and what its action wrote to its run's log while it ran ({@code log},
   * bounded by the agent; empty when the result is answered again from the agent's record).
   */
  record Finished(
      AssignmentResult result,
      int load,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<LogLine> log)
      implements AgentReply {
    public Finished {
      log = log == null ? List.of() : List.copyOf(log);
    }

    /** A result without log lines. */
    public Finished(AssignmentResult result, int load) {
      this(result, load, List.of());
    }

    @Override
    public String idempotencyKey() {
      return result.idempotencyKey();
    }

    @Override
    public AgentId agentId() {
      return result.agentId();
    }
  }
}
