package dev.lattice.orchestrator.run.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.redact.Redactor;
import dev.lattice.protocol.run.RunCause;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunSpec;
import dev.lattice.protocol.run.StateEntry;
import dev.lattice.protocol.run.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Redacts a run's events before the run applies and writes them ({@code lattice.redaction}): the
 * values of sensitive fields in the payload and the plan's step inputs, in outputs, signal and
 * override data, tool-call arguments and shared-state entries (an entry by its key), and the values
 * error messages and reasons quote after sensitive names. Every event a run decides passes here
 * first ({@link Decision#add}), so what the run decides on next, what the journal holds, what the
 * API shows and what a replay rebuilds are one and the same; nothing has to be redacted on the way
 * out. Pure.
 *
 * <p>Events that carry nothing from outside pass as they are ({@link #INERT}); a test holds every
 * kind of event to one list or the other, so that a new kind cannot slip past unredacted.
 */
public final class RunRedaction {
  /** The events that carry no payload, output or free text: nothing to redact. */
  static final Set<Class<? extends RunChange>> INERT =
      Set.of(
          RunChange.StepDispatched.class,
          RunChange.StepStarted.class,
          RunChange.BudgetExceeded.class,
          RunChange.StepRetryScheduled.class,
          RunChange.StepWaiting.class,
          RunChange.ToolTurnStarted.class,
          RunChange.ElementStarted.class,
          RunChange.ReplanStarted.class,
          RunChange.IterationStarted.class);

  private final Redactor redactor;

  public RunRedaction(Redactor redactor) {
    this.redactor = redactor;
  }

  /** {@code change} with its sensitive values replaced; itself when it has none. */
  public RunChange apply(RunChange change) {
    if (INERT.contains(change.getClass())) {
      return change;
    }
    if (change instanceof RunChange.StepSucceeded e) {
      JsonNode output = redactor.redact(e.output());
      return output == e.output()
          ? e
          : new RunChange.StepSucceeded(
              e.stepId(), e.attempt(), e.agentId(), e.startedAt(), output, e.usage(), e.at());
    }
    if (change instanceof RunChange.StepFailed e) {
      StepError error = error(e.error());
      return error == e.error()
          ? e
          : new RunChange.StepFailed(
              e.stepId(), e.attempt(), e.agentId(), e.startedAt(), error, e.usage(), e.at());
    }
    if (change instanceof RunChange.RunStarted e) {
      RunSpec spec = spec(e.spec());
      return spec == e.spec() ? e : new RunChange.RunStarted(spec, e.at());
    }
    return interventionOrPlanning(change);
  }

  private RunChange interventionOrPlanning(RunChange change) {
    if (change instanceof RunChange.StepSignalled e) {
      JsonNode output = redactor.redact(e.output());
      String reason = redactor.redactText(e.reason());
      return output == e.output() && reason == e.reason()
          ? e
          : new RunChange.StepSignalled(e.stepId(), e.signal(), output, e.actor(), reason, e.at());
    }
    if (change instanceof RunChange.StepOverridden e) {
      JsonNode output = redactor.redact(e.output());
      String reason = redactor.redactText(e.reason());
      return output == e.output() && reason == e.reason()
          ? e
          : new RunChange.StepOverridden(e.stepId(), output, e.actor(), reason, e.at());
    }
    if (change instanceof RunChange.StateWritten e) {
      StateEntry entry = e.entry();
      JsonNode value =
          redactor.sensitive(entry.key())
              ? redactor.redactWhole(entry.value())
              : redactor.redact(entry.value());
      return value == entry.value()
          ? e
          : new RunChange.StateWritten(
              e.stepId(),
              new StateEntry(entry.key(), value, entry.scope(), entry.stepId(), entry.expiresAt()),
              e.at());
    }
    if (change instanceof RunChange.ToolCallsRequested e) {
      List<ToolCall> calls = calls(e.calls());
      return calls == e.calls()
          ? e
          : new RunChange.ToolCallsRequested(e.stepId(), e.turn(), calls, e.at());
    }
    if (change instanceof RunChange.PlanProposed e) {
      PlanSpec plan = plan(e.plan());
      return plan == e.plan()
          ? e
          : new RunChange.PlanProposed(e.stepId(), e.turn(), plan, e.estimate(), e.at());
    }
    if (change instanceof RunChange.PlanAdopted e) {
      PlanSpec plan = plan(e.plan());
      return plan == e.plan()
          ? e
          : new RunChange.PlanAdopted(
              e.stepId(), e.turn(), plan, e.estimate(), e.approvedBy(), e.at());
    }
    return endOrText(change);
  }

  private RunChange endOrText(RunChange change) {
    if (change instanceof RunChange.RunCompleted e) {
      JsonNode output = redactor.redact(e.output());
      return output == e.output() ? e : new RunChange.RunCompleted(output, e.at());
    }
    if (change instanceof RunChange.RunFailed e) {
      RunCause c = e.cause();
      String message = c == null ? null : redactor.redactText(c.message());
      return c == null || message == c.message()
          ? e
          : new RunChange.RunFailed(
              new RunCause(c.stepId(), c.errorClass(), message, c.attempts()), e.at());
    }
    if (change instanceof RunChange.StepOutputRejected e) {
      List<String> errors = redactor.redactTexts(e.errors());
      String output = redactor.redactText(e.output());
      return errors == e.errors() && output == e.output()
          ? e
          : new RunChange.StepOutputRejected(
              e.stepId(), e.attempt(), e.tryNumber(), errors, e.omittedErrors(), output, e.at());
    }
    if (change instanceof RunChange.PlannerAsked e) {
      List<String> errors = redactor.redactTexts(e.errors());
      return errors == e.errors()
          ? e
          : new RunChange.PlannerAsked(e.stepId(), e.turn(), errors, e.at());
    }
    if (change instanceof RunChange.StepSkipped e) {
      String reason = redactor.redactText(e.reason());
      return reason == e.reason() ? e : new RunChange.StepSkipped(e.stepId(), reason, e.at());
    }
    if (change instanceof RunChange.RunPaused e) {
      String reason = redactor.redactText(e.reason());
      return reason == e.reason() ? e : new RunChange.RunPaused(e.actor(), reason, e.at());
    }
    if (change instanceof RunChange.RunResumed e) {
      String reason = redactor.redactText(e.reason());
      return reason == e.reason() ? e : new RunChange.RunResumed(e.actor(), reason, e.at());
    }
    if (change instanceof RunChange.RunCancelled e) {
      String reason = redactor.redactText(e.reason());
      return reason == e.reason() ? e : new RunChange.RunCancelled(e.actor(), reason, e.at());
    }
    throw new IllegalStateException(
        "no redaction is defined for the event " + change.getClass().getSimpleName());
  }

  private StepError error(StepError error) {
    if (error == null) {
      return null;
    }
    String message = redactor.redactText(error.message());
    return message == error.message()
        ? error
        : new StepError(error.errorClass(), message, error.budget(), error.retryAfterMs());
  }

  private List<ToolCall> calls(List<ToolCall> calls) {
    List<ToolCall> out = null;
    for (int i = 0; i < calls.size(); i++) {
      ToolCall call = calls.get(i);
      JsonNode arguments = redactor.redact(call.arguments());
      String refusal = redactor.redactText(call.refusal());
      if ((arguments != call.arguments() || refusal != call.refusal()) && out == null) {
        out = new ArrayList<>(calls);
      }
      if (out != null) {
        out.set(
            i,
            new ToolCall(
                call.id(), call.name(), call.capability(), call.stepId(), arguments, refusal));
      }
    }
    return out == null ? calls : List.copyOf(out);
  }

  /** {@code spec} with its payload and its plan's step inputs redacted; itself if it has none. */
  public RunSpec spec(RunSpec spec) {
    JsonNode payload = redactor.redact(spec.payload());
    PlanSpec plan = plan(spec.plan());
    if (payload == spec.payload() && plan == spec.plan()) {
      return spec;
    }
    return new RunSpec(
        spec.tenant(),
        spec.mode(),
        spec.source(),
        plan,
        payload,
        spec.idempotencyKey(),
        spec.priority(),
        spec.parent(),
        spec.trace());
  }

  /**
   * {@code plan} with the inputs of its steps redacted, those of sub-plans (a map's or loop's
   * steps, a child run's plan) too; itself if none has a sensitive value. Done on the plan's JSON
   * form, so that every field a step has or will have keeps its value.
   */
  public PlanSpec plan(PlanSpec plan) {
    if (plan == null || !sensitive(plan.steps())) {
      return plan;
    }
    ObjectNode tree = LatticeJson.mapper().valueToTree(plan);
    if (!steps(tree)) {
      return plan;
    }
    try {
      return LatticeJson.mapper().treeToValue(tree, PlanSpec.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a redacted plan no longer reads as a plan", e);
    }
  }

  /** Whether an input of {@code steps} or of their sub-plans has something to redact. */
  private boolean sensitive(List<StepSpec> steps) {
    if (steps == null) {
      return false;
    }
    for (StepSpec step : steps) {
      if (redactor.redact(step.input()) != step.input()
          || sensitive(step.steps())
          || (step.plan() != null && sensitive(step.plan().steps()))) {
        return true;
      }
    }
    return false;
  }

  /** Redacts the inputs of the steps of the plan {@code plan}, in place; whether any changed. */
  private boolean steps(JsonNode plan) {
    JsonNode steps = plan == null ? null : plan.get("steps");
    if (steps == null || !steps.isArray()) {
      return false;
    }
    boolean changed = false;
    for (JsonNode step : steps) {
      if (!(step instanceof ObjectNode object)) {
        continue;
      }
      JsonNode input = object.get("input");
      JsonNode redacted = redactor.redact(input);
      if (redacted != input) {
        object.set("input", redacted);
        changed = true;
      }
      // A map's or loop's sub-plan is its steps; a run step's child plan is its plan.
      changed |= steps(object);
      changed |= steps(object.get("plan"));
    }
    return changed;
  }
}
