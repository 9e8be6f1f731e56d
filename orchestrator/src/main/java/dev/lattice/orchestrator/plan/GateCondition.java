package dev.lattice.orchestrator.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import java.util.Map;

/**
 * A gate step's condition: a CEL expression over {@code payload}, {@code steps} (each succeeded
 * step's id mapped to {@code {output}}) and {@code run} ({@code {id, tenant}}), which must yield a
 * boolean; in a map's sub-plan it also sees {@code item} and {@code index}, in a loop's {@code
 * iteration} and {@code previous}. CEL's standard macros are enabled ({@code has}, {@code all},
 * {@code exists}, {@code exists_one}, {@code map}, {@code filter}), as CEL users expect them. CEL
 * is side-effect free and always terminates (a macro ranges over a finite list or map), so it is
 * safe to evaluate on the run's own actor.
 */
public final class GateCondition {
  private static final Cel CEL =
      CelFactory.standardCelBuilder()
          // The builder leaves the macros out unless asked; without them has(...) and
          // list.exists(...) are "undeclared reference" errors.
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          // JSON has one kind of number; it reaches CEL as an int or a double depending on how it
          // was written (3 or 2.5). Comparing across the two, as the CEL spec allows, keeps
          // items.exists(i, i > 2) from failing on an item written as 2.5.
          .setOptions(CelOptions.current().enableHeterogeneousNumericComparisons(true).build())
          .addVar("payload", SimpleType.DYN)
          .addVar("steps", MapType.create(SimpleType.STRING, SimpleType.DYN))
          .addVar("run", MapType.create(SimpleType.STRING, SimpleType.DYN))
          // The run's shared state the gate sees; absent where a gate is checked outside a run.
          .addVar("state", MapType.create(SimpleType.STRING, SimpleType.DYN))
          // Set in the sub-plans of maps (item, index) and loops (iteration, previous) only.
          .addVar("item", SimpleType.DYN)
          .addVar("index", SimpleType.DYN)
          .addVar("iteration", SimpleType.DYN)
          .addVar("previous", MapType.create(SimpleType.STRING, SimpleType.DYN))
          .build();

  private final String source;
  private final CelRuntime.Program program;

  private GateCondition(String source, CelRuntime.Program program) {
    this.source = source;
    this.program = program;
  }

  /** Compiles {@code source}; throws {@link IllegalArgumentException} with the parser's reason. */
  public static GateCondition compile(String source) {
    try {
      CelValidationResult result = CEL.compile(source);
      if (result.hasError()) {
        throw new IllegalArgumentException("invalid CEL condition: " + result.getErrorString());
      }
      return new GateCondition(source, CEL.createProgram(result.getAst()));
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalArgumentException("invalid CEL condition: " + e.getMessage(), e);
    }
  }

  /**
   * Evaluates the condition over {@code context} ({@code {payload, steps, run, state}}).
   *
   * @throws IllegalArgumentException if evaluation fails or does not yield a boolean
   */
  public boolean evaluate(JsonNode context) {
    Object result;
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> variables = (Map<String, Object>) JsonValues.toJava(context);
      result = program.eval(variables);
    } catch (Exception e) {
      throw new IllegalArgumentException("condition '" + source + "' failed: " + e.getMessage(), e);
    }
    if (result instanceof Boolean passed) {
      return passed;
    }
    throw new IllegalArgumentException(
        "condition '" + source + "' yielded " + result + ", not a boolean");
  }
}
