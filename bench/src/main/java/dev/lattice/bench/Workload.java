package dev.lattice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.StepSpec;
import java.util.ArrayList;
import java.util.List;

/** The benchmark workloads. */
enum Workload {
  /** Three sequential echo steps. */
  W {
    @Override
    PlanSpec plan() {
      return PlanSpec.of(
          StepSpec.agent("first", "echo", null),
          StepSpec.agent("second", "echo", null, "first"),
          StepSpec.agent("third", "echo", null, "second"));
    }
  },
  /** One echo step fanning out to ten parallel echo steps, then a join step. */
  W2 {
    @Override
    PlanSpec plan() {
      List<StepSpec> steps = new ArrayList<>();
      steps.add(StepSpec.agent("fan-out", "echo", null));
      String[] branches = new String[10];
      for (int i = 0; i < branches.length; i++) {
        branches[i] = "branch-" + i;
        steps.add(StepSpec.agent(branches[i], "echo", null, "fan-out"));
      }
      steps.add(StepSpec.agent("join", "echo", null, branches));
      return new PlanSpec(steps, null);
    }
  },
  /**
   * Live followers: a step held until its follower is connected, then two echo steps, while idle
   * followers watch other runs (see {@link FollowerBench}).
   */
  F {
    @Override
    PlanSpec plan() {
      return PlanSpec.of(
          StepSpec.agent("held", FollowerBench.HOLD, null),
          StepSpec.agent("first", "echo", null, "held"),
          StepSpec.agent("second", "echo", null, "first"));
    }
  },
  /**
   * LLM steps: a step held until the run's followers are connected, then a streamed model call (see
   * {@link LlmBench}).
   */
  L {
    @Override
    PlanSpec plan() {
      return LlmScript.llmRun(0).plan();
    }
  },
  /**
   * Payloads: a conversation of chained llm steps, each given every earlier answer, and the journal
   * bytes it leaves with and without large payloads stored apart (see {@link PayloadBench}). Its
   * plan here is the 50-step one.
   */
  P {
    @Override
    PlanSpec plan() {
      return PayloadBench.conversation(50);
    }
  };

  abstract PlanSpec plan();

  int steps() {
    return plan().steps().size();
  }

  /** A payload of about {@code bytes} bytes of JSON. */
  static JsonNode payload(int bytes) {
    String filler = "x".repeat(Math.max(0, bytes - 12));
    return JsonNodeFactory.instance.objectNode().put("text", filler);
  }
}
